package tui

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// longChoicesForm asks a long question over nine long options, and a searched list of
// twelve.
func longChoicesForm() string {
	var b strings.Builder
	b.WriteString(`
| settings |
| | form_id | form_title | version |
| | longc | Long choices | 1 |

| survey |
| | type | name | label | hint |
| | select_one nine | job | Selama tiga bulan terakhir, apakah pekerjaan utama Anda sesuai dengan bidang pelatihan yang Anda ikuti di Balai Latihan Kerja? | Bacakan semua pilihan kepada responden, lalu pilih satu yang paling sesuai dengan keadaannya sekarang. |
| | select_one twelve | reg | Kabupaten tempat bekerja | |

| choices |
| | list_name | name | label |
`)
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&b, "| | nine | n%d | Pilihan %d: sesuai dengan bidang pelatihan dan berpenghasilan tetap setiap bulan dari pemberi kerja |\n", i, i)
	}
	for i := 1; i <= 12; i++ {
		fmt.Fprintf(&b, "| | twelve | r%d | Kabupaten %d |\n", i, i)
	}
	return b.String()
}

// In a window too small for every option, the options out of sight are announced above and
// below the ones shown ("↓ 7 lagi di bawah"), and the highlighted one shows whole: else
// nothing says that the list goes on.
func TestOptionsOutOfSightAreAnnounced(t *testing.T) {
	e, _ := newFormEnv(t, longChoicesForm())
	m := start(t, e)
	drive(t, m, tea.WindowSizeMsg{Width: 60, Height: 20})
	walkIn(t, m)
	at(t, m, "job")
	count := func(re string) int {
		g := regexp.MustCompile(re).FindStringSubmatch(plain(m))
		if g == nil {
			return -1
		}
		var n int
		fmt.Sscan(g[1], &n)
		return n
	}
	above, below := `↑ (\d+) lagi di atas`, `↓ (\d+) lagi di bawah`
	if n := count(below); n < 1 || count(above) != -1 {
		t.Errorf("the first options: below %d, above %d:\n%s", n, count(above), plain(m))
	}
	drive(t, m, keypress("5"))
	if count(above) < 1 || count(below) < 1 {
		t.Errorf("option 5 highlighted: above %d, below %d:\n%s", count(above), count(below), plain(m))
	}
	if v := plain(m); !strings.Contains(v, "› (•) 5 Pilihan 5") {
		t.Errorf("the highlighted option is not shown:\n%s", v)
	}
	drive(t, m, keypress("enter"))
	at(t, m, "reg")
	if n := count(below); n < 1 {
		t.Errorf("the searched list of 12 does not say what is below:\n%s", plain(m))
	}
}

// A label too long for the window is cut, saying so, rather than the entry under it: what
// is typed, and the form's message about it, stay on screen.
func TestLongLabelLeavesTheEntryOnScreen(t *testing.T) {
	e, _ := newFormEnv(t, `
| settings |
| | form_id | form_title | version |
| | longl | Long label | 1 |

| survey |
| | type | name | label | constraint | constraint_message |
| | integer | n | `+strings.Repeat("Ini adalah keterangan panjang yang dibacakan kepada responden sebelum pertanyaan. ", 16)+`Berapa jumlah karyawan di tempat kerja Anda? | . < 10 | Jumlah karyawan harus kurang dari sepuluh |
`)
	m := start(t, e)
	for _, size := range [][2]int{{60, 20}, {80, 24}} {
		drive(t, m, tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		if m.screen != screenInterview {
			walkIn(t, m)
		}
		at(t, m, "n")
		drive(t, m, keypress("ctrl+u"))
		typeText(t, m, "12")
		drive(t, m, keypress("enter"))
		v := plain(m)
		if !strings.Contains(v, "› 12") || !strings.Contains(v, "Jumlah karyawan harus kurang dari sepuluh") {
			t.Errorf("%dx%d: the entry or its message is off screen:\n%s", size[0], size[1], v)
		}
		if !strings.Contains(v, "(terpotong; Ctrl+R menampilkannya utuh)") {
			t.Errorf("%dx%d: the label is cut without saying so:\n%s", size[0], size[1], v)
		}
	}
}
