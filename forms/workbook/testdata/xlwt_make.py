"""Write an .xls workbook (BIFF8) with xlwt holding what a reader of .xls can trip on.

Usage: python3 xlwt_make.py OUT.xls [1904]

Shared strings that cross CONTINUE records, in one-byte and two-byte encodings and
switching between them; characters outside the BMP; integers small and large; fractions;
negative numbers; booleans; dates, times and date-times; formulas; empty rows and gaps;
several sheets, one of them empty.
"""
import datetime
import sys

import xlwt

book = xlwt.Workbook(encoding="utf-8")
if len(sys.argv) > 2 and sys.argv[2] == "1904":
    book.dates_1904 = True
survey = book.add_sheet("survey")
head = ["type", "name", "label::Bahasa Indonesia (id)", "label::English (en)", "hint", "relevant"]
for c, h in enumerate(head):
    survey.write(0, c, h)
labels = [
    ("text", "nama", "Nama lengkap", "Full name"),
    ("integer", "umur", "Umur (tahun)", "Age"),
    ("select_one yn", "kerja", "Apakah Anda bekerja?", "Working? café, naïve"),
    ("note", "n1", "日本語のラベル", "emoji 😀 and ✓"),
]
for r, row in enumerate(labels, start=1):
    for c, v in enumerate(row):
        survey.write(r, c, v)
# many distinct strings so the shared string table crosses several CONTINUE records,
# alternating one-byte and two-byte strings so a switch can fall on a record boundary
for r in range(5, 1400):
    survey.write(r, 0, "text")
    survey.write(r, 1, "q%04d" % r)
    label = ("Pertanyaan nomor %d tentang pekerjaan alumni " % r) * (1 + r % 5)
    if r % 3 == 0:
        label += "— Ü ñ 語 %d" % r
    survey.write(r, 2, label)
    survey.write(r, 3, "Question %d" % r)
# one string longer than a record
survey.write(1401, 2, "Panjang " * 3000 + "akhir")
survey.write(1402, 2, "長い" * 4000 + "終")
# a gap of empty rows, then a row starting at column D
survey.write(1410, 3, "late column")

choices = book.add_sheet("choices")
for c, h in enumerate(["list_name", "name", "label"]):
    choices.write(0, c, h)
nums = [1, 2, -3, 0, 0.5, 0.1, 1e-05, 1234567.5, 1e16, 3201123456789012, 2**31, -2**31 - 1,
        123456789.123, 1.5e300, 7.0, 100.25]
for r, n in enumerate(nums, start=1):
    choices.write(r, 0, "nums")
    choices.write(r, 1, n)
    choices.write(r, 2, "n%d" % r)
r = len(nums) + 1
choices.write(r, 0, "bools")
choices.write(r, 1, True)
choices.write(r + 1, 0, "bools")
choices.write(r + 1, 1, False)

settings = book.add_sheet("settings")
settings.write(0, 0, "form_id")
settings.write(0, 1, "version")
settings.write(0, 2, "date")
settings.write(0, 3, "time")
settings.write(0, 4, "datetime")
settings.write(0, 5, "formula")
settings.write(1, 0, "xls_test")
settings.write(1, 1, 2026120101)
settings.write(1, 2, datetime.date(2026, 12, 1), xlwt.easyxf(num_format_str="yyyy-mm-dd"))
settings.write(1, 3, datetime.time(13, 45, 30), xlwt.easyxf(num_format_str="hh:mm:ss"))
settings.write(1, 4, datetime.datetime(2025, 2, 28, 23, 59, 59), xlwt.easyxf(num_format_str="dd/mm/yyyy hh:mm"))
settings.write(1, 5, xlwt.Formula("1+2"))
settings.write(1, 6, 45000, xlwt.easyxf(num_format_str='"Rp"#,##0'))
settings.write(1, 7, 45000.5, xlwt.easyxf(num_format_str="0.00%"))

book.add_sheet("empty")
book.save(sys.argv[1])
