// Command genicon draws the ssohelper app icon, a gold key on a rounded
// indigo square, and writes it as a PNG (256x256, or smaller with -size).
// With -state it draws a tray icon: the same key with a status badge in the
// corner (signed in, expiring, error, busy), or greyed out (signed out).
// Run it with go generate in the assets package; only the PNGs are embedded.
package main

import (
	"flag"
	"image"
	"image/color"
	"image/png"
	"log"
	"math"
	"os"
)

const (
	size    = 256
	samples = 4 // subsamples per axis, for anti-aliasing
)

var (
	background = color.NRGBA{R: 0x3b, G: 0x4c, B: 0xca, A: 0xff}
	keyColour  = color.NRGBA{R: 0xf5, G: 0xb7, B: 0x2e, A: 0xff}
)

// badges are the status colours of the tray icons.
var badges = map[string]color.NRGBA{
	"signedin": {R: 0x2e, G: 0xa0, B: 0x43, A: 0xff},
	"expiring": {R: 0xf0, G: 0x8c, B: 0x00, A: 0xff},
	"error":    {R: 0xd0, G: 0x2b, B: 0x2b, A: 0xff},
	"busy":     {R: 0x1e, G: 0x88, B: 0xe5, A: 0xff},
}

func main() {
	out := flag.String("o", "icon.png", "output file")
	state := flag.String("state", "", "tray state: signedin, expiring, signedout, error or busy (default: the app icon)")
	outSize := flag.Int("size", size, "edge in pixels; a divisor of 256")
	flag.Parse()
	if *outSize <= 0 || size%*outSize != 0 {
		log.Fatalf("-size %d does not divide %d", *outSize, size)
	}
	img := draw()
	switch badge, ok := badges[*state]; {
	case ok:
		addBadge(img, badge)
	case *state == "signedout":
		grey(img)
	case *state != "":
		log.Fatalf("unknown -state %q", *state)
	}
	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	if err := png.Encode(f, shrink(img, size / *outSize)); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}

// draw renders the icon by supersampling two shapes: the rounded square and
// the key laid on it.
func draw() *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	for y := range size {
		for x := range size {
			var bg, key int
			for sy := range samples {
				for sx := range samples {
					px := float64(x) + (float64(sx)+0.5)/samples
					py := float64(y) + (float64(sy)+0.5)/samples
					switch {
					case inKey(px, py):
						key++
					case inRoundedSquare(px, py):
						bg++
					}
				}
			}
			img.SetNRGBA(x, y, mix(bg, key))
		}
	}
	return img
}

// mix blends the coverage counts into one non-premultiplied pixel.
func mix(bg, key int) color.NRGBA {
	n := bg + key
	if n == 0 {
		return color.NRGBA{}
	}
	ch := func(b, k uint8) uint8 {
		return uint8((int(b)*bg + int(k)*key + n/2) / n)
	}
	return color.NRGBA{
		R: ch(background.R, keyColour.R),
		G: ch(background.G, keyColour.G),
		B: ch(background.B, keyColour.B),
		A: uint8((255*n + samples*samples/2) / (samples * samples)),
	}
}

func inRoundedSquare(x, y float64) bool {
	const margin, radius = 8.0, 56.0
	cx := math.Max(math.Abs(x-size/2)-(size/2-margin-radius), 0)
	cy := math.Max(math.Abs(y-size/2)-(size/2-margin-radius), 0)
	return cx*cx+cy*cy <= radius*radius && math.Abs(x-size/2) <= size/2-margin && math.Abs(y-size/2) <= size/2-margin
}

// inKey tests a point against a key drawn along the diagonal: a ring at the
// top left, a shaft towards the bottom right and two teeth.
func inKey(x, y float64) bool {
	const cx, cy = 92.0, 92.0
	// Rotate by -45 degrees into key coordinates: u along the shaft, v across it.
	dx, dy := x-cx, y-cy
	u := (dx + dy) / math.Sqrt2
	v := (dy - dx) / math.Sqrt2
	r := math.Hypot(u, v)
	switch {
	case r <= 46 && r >= 20:
		return true // ring
	case u >= 40 && u <= 150 && math.Abs(v) <= 11:
		return true // shaft
	case u >= 112 && u <= 128 && v >= 0 && v <= 38:
		return true // long tooth
	case u >= 136 && u <= 150 && v >= 0 && v <= 30:
		return true // short tooth
	}
	return false
}

// addBadge draws a status dot with a white rim in the bottom-right corner.
func addBadge(img *image.NRGBA, c color.NRGBA) {
	const cx, cy, r, rim = 196.0, 196.0, 52.0, 10.0
	for y := range size {
		for x := range size {
			d := math.Hypot(float64(x)+0.5-cx, float64(y)+0.5-cy)
			switch {
			case d <= r-rim:
				img.SetNRGBA(x, y, c)
			case d <= r:
				img.SetNRGBA(x, y, color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff})
			}
		}
	}
}

// grey turns the icon to grey, for "signed out".
func grey(img *image.NRGBA) {
	for i := 0; i < len(img.Pix); i += 4 {
		p := img.Pix[i : i+3 : i+3]
		l := uint8((299*int(p[0]) + 587*int(p[1]) + 114*int(p[2])) / 1000)
		p[0], p[1], p[2] = l, l, l
	}
}

// shrink scales img down by an integer factor, averaging each block.
func shrink(img *image.NRGBA, f int) *image.NRGBA {
	if f == 1 {
		return img
	}
	n := size / f
	out := image.NewNRGBA(image.Rect(0, 0, n, n))
	for y := range n {
		for x := range n {
			var r, g, b, a int
			for sy := range f {
				for sx := range f {
					c := img.NRGBAAt(x*f+sx, y*f+sy)
					w := int(c.A)
					r, g, b, a = r+int(c.R)*w, g+int(c.G)*w, b+int(c.B)*w, a+w
				}
			}
			if a == 0 {
				continue
			}
			out.SetNRGBA(x, y, color.NRGBA{R: uint8(r / a), G: uint8(g / a), B: uint8(b / a), A: uint8(a / (f * f))})
		}
	}
	return out
}
