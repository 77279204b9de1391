package setup

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

func searchButton(o fyne.CanvasObject, words string) *widget.Button {
	switch v := o.(type) {
	case *widget.Button:
		if strings.Contains(v.Text, words) {
			return v
		}
	case *fyne.Container:
		for _, c := range v.Objects {
			if b := searchButton(c, words); b != nil {
				return b
			}
		}
	}
	return nil
}
