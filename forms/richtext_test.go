package forms_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"tracer/forms"
)

// TestLabelsShowTextAndEmphasisNeverMarkup: ODK's Markdown subset and inline HTML in labels
// become plain text runs with their emphasis.
func TestLabelsShowTextAndEmphasisNeverMarkup(t *testing.T) {
	const (
		em     = forms.StyleEm
		strong = forms.StyleStrong
		head   = forms.StyleHeading
		link   = forms.StyleLink
	)
	tests := []struct {
		in   string
		want []forms.Span
	}{
		{"Plain label", []forms.Span{{Text: "Plain label"}}},
		{"Is this *really* your **first** job?", []forms.Span{{Text: "Is this "}, {Text: "really", Style: em}, {Text: " your "}, {Text: "first", Style: strong}, {Text: " job?"}}},
		{"_em_ and __strong__", []forms.Span{{Text: "em", Style: em}, {Text: " and "}, {Text: "strong", Style: strong}}},
		{"**Please enter date of birth**", []forms.Span{{Text: "Please enter date of birth", Style: strong}}},
		{"# Section B\nWork history", []forms.Span{{Text: "Section B", Style: head}, {Text: "\nWork history"}}},
		{"See [the guide](https://example.org/g) first", []forms.Span{{Text: "See "}, {Text: "the guide", Style: link, URL: "https://example.org/g"}, {Text: " first"}}},
		{`<span style="color:red">Wajib</span> diisi`, []forms.Span{{Text: "Wajib diisi"}}},
		{"<h4>Bagian 2</h4>Pekerjaan", []forms.Span{{Text: "Bagian 2", Style: head}, {Text: "\nPekerjaan"}}},
		{"<b>Bold</b> and <i>it</i><br/>next", []forms.Span{{Text: "Bold", Style: strong}, {Text: " and "}, {Text: "it", Style: em}, {Text: "\nnext"}}},
		{"total_income_month stays, 2 * 3 = 6, x < 5", []forms.Span{{Text: "total_income_month stays, 2 * 3 = 6, x < 5"}}},
		{`price \*not em\* &amp; tax&nbsp;incl.`, []forms.Span{{Text: "price *not em* & tax incl."}}},
		{"***both***", []forms.Span{{Text: "both", Style: em | strong}}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := forms.RichText(tt.in)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("RichText(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
	if got := forms.PlainText(`<span style="color:blue">**Nama** lengkap</span>`); got != "Nama lengkap" {
		t.Errorf("PlainText = %q, want %q", got, "Nama lengkap")
	}
}
