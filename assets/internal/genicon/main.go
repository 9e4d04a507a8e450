// Command genicon draws the ssohelper app icon, a gold key on a rounded
// indigo square, and writes it as a 256x256 PNG. Run it with go generate in
// the assets package; only the PNG is embedded.
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

func main() {
	out := flag.String("o", "icon.png", "output file")
	flag.Parse()
	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	if err := png.Encode(f, draw()); err != nil {
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
