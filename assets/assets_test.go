package assets_test

import (
	"bytes"
	"image/png"
	"strings"
	"testing"

	"github.com/ssohelper/ssohelper/assets"
)

func TestRenderEscapesAndShowsText(t *testing.T) {
	page := assets.Page{
		Title:   "Sign-in failed",
		Message: `<script>alert("x")</script> & more`,
		Hint:    "Try <b>again</b>",
	}
	tests := []struct {
		name   string
		render func(*bytes.Buffer) error
		want   []string
	}{
		{"success", func(b *bytes.Buffer) error { return assets.RenderSuccess(b, page) }, []string{"Sign-in failed · ssohelper", "body class=\"ok\""}},
		{"failure", func(b *bytes.Buffer) error { return assets.RenderFailure(b, page) }, []string{"Sign-in failed · ssohelper", "body class=\"fail\""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tt.render(&b); err != nil {
				t.Fatalf("render: got error %v; want nil", err)
			}
			got := b.String()
			want := append(tt.want,
				"&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; more",
				"Try &lt;b&gt;again&lt;/b&gt;",
				"You can close this tab now.",
				"window.close()",
			)
			for _, w := range want {
				if !strings.Contains(got, w) {
					t.Errorf("page: got no %q in\n%s", w, got)
				}
			}
			for _, bad := range []string{`<script>alert`, "<b>again", "http://", "https://", "src="} {
				if strings.Contains(got, bad) {
					t.Errorf("page: got %q; want it absent (escaped, no external resources)", bad)
				}
			}
		})
	}
}

func TestRenderOmitsEmptyHint(t *testing.T) {
	var b bytes.Buffer
	if err := assets.RenderSuccess(&b, assets.Page{Title: "Signed in", Message: "Signed in. You can return to Photoshop."}); err != nil {
		t.Fatal(err)
	}
	if got := b.String(); strings.Contains(got, `class="hint"`) {
		t.Errorf("page with no hint: got a hint paragraph; want none")
	}
}

func TestRenderSignedOut(t *testing.T) {
	var b bytes.Buffer
	if err := assets.RenderSignedOut(&b); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	for _, w := range []string{"<title>Signed out · ssohelper</title>", "You are signed out", "You can close this tab now."} {
		if !strings.Contains(got, w) {
			t.Errorf("signed-out page: got no %q", w)
		}
	}
}

func TestIconIsPNG256(t *testing.T) {
	cfg, err := png.DecodeConfig(bytes.NewReader(assets.Icon))
	if err != nil {
		t.Fatalf("decode icon: %v", err)
	}
	if cfg.Width != 256 || cfg.Height != 256 {
		t.Errorf("icon size: got %dx%d; want 256x256", cfg.Width, cfg.Height)
	}
	if _, err := png.Decode(bytes.NewReader(assets.Icon)); err != nil {
		t.Errorf("decode icon pixels: got %v; want nil", err)
	}
}
