"""Print the cells of .xls workbooks as xlrd (the reader pyxform uses) reads them.

Usage: python3 xlrd_dump.py FILE.xls [raw]

Prints JSON: a list of sheets (worksheets only, in order), each {"name", "rows"}, rows being
lists of cell texts with trailing empty cells left out, converted as pyxform's
xls_value_to_unicode does (without its strip): booleans TRUE/FALSE, integral numbers as
integers, other numbers as Python prints them, dates as str(datetime) or str(time).
With "raw", dates stay numbers.
"""
import datetime
import json
import sys

import xlrd


def text(cell, datemode, raw):
    t, v = cell.ctype, cell.value
    if t == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if v else "FALSE"
    if t == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(v, "#ERROR")
    if t == xlrd.XL_CELL_DATE and not raw:
        try:
            tup = xlrd.xldate_as_tuple(v, datemode)
        except xlrd.xldate.XLDateError:
            t = xlrd.XL_CELL_NUMBER
        else:
            if tup[:3] == (0, 0, 0):
                return str(datetime.time(*tup[3:]))
            return str(datetime.datetime(*tup))
    if t in (xlrd.XL_CELL_NUMBER, xlrd.XL_CELL_DATE):
        if int(v) == v:
            return str(int(v))
        return str(v)
    if t in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return ""
    return v


def main():
    raw = len(sys.argv) > 2 and sys.argv[2] == "raw"
    book = xlrd.open_workbook(sys.argv[1], formatting_info=False)
    out = []
    for sh in book.sheets():
        rows = []
        for r in range(sh.nrows):
            row = [text(c, book.datemode, raw) for c in sh.row(r)]
            while row and row[-1] == "":
                row.pop()
            rows.append(row)
        out.append({"name": sh.name, "rows": rows})
    json.dump(out, sys.stdout, ensure_ascii=False)


main()
