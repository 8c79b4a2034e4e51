import numpy as np
import pytest

from gdsim.core.dataset import DataError, Dataset, format_number, parse_number


def make(values=None, columns=("x1", "x2", "y"), target=None, name="t"):
    if values is None:
        values = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    return Dataset(columns, np.array(values, dtype=float), target, name)


def msg(exc_info):
    return str(exc_info.value)


# --- parse_number -----------------------------------------------------------

@pytest.mark.parametrize("text, value", [
    ("1", 1.0), ("-2", -2.0), ("+3.5", 3.5), ("1e-3", 0.001), (" 4 ", 4.0),
    ('"5.5"', 5.5), ("'6'", 6.0), ('" 7 "', 7.0), (".5", 0.5), ("5.", 5.0), ("1E2", 100.0),
    ("-0", -0.0), ("1e-400", 0.0),
])
def test_parse_number_accepts(text, value):
    out = parse_number(text)
    assert out == value and type(out) is float
    assert np.signbit(out) == np.signbit(value)


@pytest.mark.parametrize("text, message", [
    ("", "The value is empty; enter a number."),
    ("   ", "The value is empty; enter a number."),
    ("abc", "'abc' is not a number."),
    ("nan", "'nan' is not a finite number."),
    ("-inf", "'-inf' is not a finite number."),
    ("Infinity", "'Infinity' is not a finite number."),
    ("1e400", "'1e400' is too large to be a finite number."),
    ("-1e400", "'-1e400' is too large to be a finite number."),
    ("1,5", "'1,5' is not a number (use a dot as the decimal separator)."),
    ("1_000", "'1_000' is not a number."),
    ("0x10", "'0x10' is not a number."),
    ("1 2", "'1 2' is not a number."),
])
def test_parse_number_rejects(text, message):
    with pytest.raises(DataError) as e:
        parse_number(text)
    assert msg(e) == message


def test_format_number():
    assert format_number(2.0) == "2"
    assert format_number(-0.0) == "-0"
    assert format_number(0.1) == "0.1"
    assert format_number(1e16) == "1e+16"
    assert float(format_number(1 / 3)) == 1 / 3


# --- construction -------------------------------------------------------------

def test_basic_properties():
    d = make(target="x2")
    assert d.columns == ("x1", "x2", "y")
    assert d.target == "x2"
    assert d.feature_names == ("x1", "y")
    assert d.n_rows == 2 and d.n_features == 2 and d.n_columns == 3
    assert d.target_index == 1 and d.feature_indices == (0, 2)
    np.testing.assert_array_equal(d.X, [[1, 3], [4, 6]])
    np.testing.assert_array_equal(d.y, [2, 5])
    np.testing.assert_array_equal(d.column("y"), [3, 6])
    np.testing.assert_array_equal(d.column(0), [1, 4])
    assert d.name == "t"


def test_default_target_is_last_column_and_names_are_stripped():
    d = Dataset([" a ", "b "], [[1, 2]])
    assert d.columns == ("a", "b") and d.target == "b" and d.name == ""
    assert d.values.dtype == np.float64


def test_arrays_are_read_only_contiguous_and_cached():
    src = np.array([[1.0, 2.0], [3.0, 4.0]])
    d = Dataset(("x", "y"), src)
    src[0, 0] = 99  # the dataset made its own copy
    assert d.values[0, 0] == 1.0
    assert not d.values.flags.writeable and d.values.flags.c_contiguous
    for a in (d.X, d.y, d.column("x")):
        assert not a.flags.writeable and a.flags.c_contiguous
        with pytest.raises(ValueError):
            a[0] = 5
    assert d.X is d.X and d.y is d.y
    assert d.X.shape == (2, 1) and d.y.shape == (2,)


def test_read_only_owned_array_is_adopted_without_copy():
    a = np.arange(6, dtype=float).reshape(3, 2).copy()
    a.setflags(write=False)
    assert Dataset(("x", "y"), a).values is a


def test_frozen():
    d = make()
    with pytest.raises(AttributeError):
        d.target = "x1"


@pytest.mark.parametrize("columns, values, target, message", [
    (("x",), [[1.0]], None,
     "The table has only one column ('x'); it needs at least one feature column and a target column."),
    ((), np.empty((1, 0)), None,
     "The table has no columns; it needs at least one feature column and a target column."),
    (("x", "x"), [[1, 2]], None,
     "Column name 'x' is used twice (columns 1 and 2); column names must be unique."),
    (("x", " x "), [[1, 2]], None,
     "Column name 'x' is used twice (columns 1 and 2); column names must be unique."),
    (("x", "  "), [[1, 2]], None, "Column 2 has no name; every column needs a name."),
    (("x", "3"), [[1, 2]], None, "Column name '3' is a number; use a name that contains letters."),
    (("x", "a\nb"), [[1, 2]], None, "Column name 'a\\nb' contains a tab or line break; use a name on one line."),
    (("x", "y"), np.empty((0, 2)), None, "The table has no rows; it needs at least one row of data."),
    (("x", "y"), [[1, 2], [3, np.nan]], None,
     "Row 2, column 'y' holds nan, which is not a finite number."),
    (("x", "y"), [[np.inf, 2]], None, "Row 1, column 'x' holds inf, which is not a finite number."),
    (("x", "y"), [[1, 2]], "z", "Target column 'z' is not in the table; the columns are x, y."),
    (("x", "y"), [[1, 2, 3]], None, "The table has 2 column names but 3 columns of values."),
    (("x", "y"), [1, 2], None, "The table values must form a 2-D table, not a 1-D array."),
])
def test_validation_messages(columns, values, target, message):
    with pytest.raises(DataError) as e:
        Dataset(columns, values, target)
    assert msg(e) == message


def test_data_error_is_value_error_with_location():
    with pytest.raises(ValueError) as e:
        Dataset(("x", "y"), [[1, 2], [3, np.nan]])
    assert e.value.row == 2 and e.value.column == "y"


def test_from_columns():
    d = Dataset.from_columns({"a": [1, 2], "b": (3, 4), "c": np.array([5, 6])}, target="a", name="n")
    assert d.columns == ("a", "b", "c") and d.target == "a" and d.name == "n"
    np.testing.assert_array_equal(d.values, [[1, 3, 5], [2, 4, 6]])
    with pytest.raises(DataError) as e:
        Dataset.from_columns({"a": [1, 2], "b": [3]})
    assert msg(e) == "Column 'b' has 1 values but column 'a' has 2."
    with pytest.raises(DataError) as e:
        Dataset.from_columns({"a": [1, "x"], "b": [3, 4]})
    assert msg(e) == "Column 'a' contains values that are not numbers."


def test_equals_is_bitwise_and_ignores_name():
    a = make()
    assert a.equals(make(name="other")) and a == make(name="other")
    assert hash(a) == hash(make(name="other"))
    assert not a.equals(make(target="x1"))
    assert not a.equals(make(columns=("x1", "x3", "y")))
    assert not a.equals(make([[1.0, 2.0, 3.0], [4.0, 5.0, 6.000000000000001]]))
    assert not make([[0.0, 1, 2]]).equals(make([[-0.0, 1, 2]]))
    assert not a.equals("not a dataset")
    assert a != 3


# --- edits ----------------------------------------------------------------------

def test_with_value():
    d = make()
    e = d.with_value(1, "x2", 7.5)
    assert e.values[1, 1] == 7.5 and d.values[1, 1] == 5.0
    assert e.with_value(0, 0, " -2 ").values[0, 0] == -2.0
    assert e.name == "t" and e.target == "y"


@pytest.mark.parametrize("args, message", [
    ((2, 0, 1.0), "Row 3 does not exist; the table has 2 rows."),
    ((-1, 0, 1.0), "Row 0 does not exist; the table has 2 rows."),
    ((0, 3, 1.0), "Column 4 does not exist; the table has 3 columns."),
    ((0, "z", 1.0), "There is no column 'z'; the columns are x1, x2, y."),
    ((0, 1, float("nan")), "Row 1, column 'x2': nan is not a finite number."),
    ((0, 1, "abc"), "Row 1, column 'x2': 'abc' is not a number."),
    ((0, 1, "1e999"), "Row 1, column 'x2': '1e999' is too large to be a finite number."),
    ((0, 1, None), "Row 1, column 'x2': None is not a number."),
    ((1.5, 1, 2.0), "The row position must be a whole number, not 1.5."),
])
def test_with_value_errors(args, message):
    with pytest.raises(DataError) as e:
        make().with_value(*args)
    assert msg(e) == message


def test_row_insert_and_remove():
    d = make()
    e = d.with_row_inserted(1)
    np.testing.assert_array_equal(e.values, [[1, 2, 3], [0, 0, 0], [4, 5, 6]])
    f = d.with_row_inserted(2, [7, "8", 9.5])
    np.testing.assert_array_equal(f.values, [[1, 2, 3], [4, 5, 6], [7, 8, 9.5]])
    g = f.with_row_removed(0)
    np.testing.assert_array_equal(g.values, [[4, 5, 6], [7, 8, 9.5]])
    assert d.n_rows == 2 and f.n_rows == 3
    for x in (e, f, g):
        assert not x.values.flags.writeable and x.values.flags.c_contiguous


@pytest.mark.parametrize("call, message", [
    (lambda d: d.with_row_inserted(3), "Cannot insert a row at position 4; the table has 2 rows."),
    (lambda d: d.with_row_inserted(0, [1, 2]), "The new row has 2 values but needs 3."),
    (lambda d: d.with_row_inserted(0, [1, "x", 2]), "Value for column 'x2': 'x' is not a number."),
    (lambda d: d.with_row_inserted(0, [1, np.inf, 2]), "Value for column 'x2': inf is not a finite number."),
    (lambda d: d.with_row_removed(2), "Row 3 does not exist; the table has 2 rows."),
    (lambda d: d.with_row_removed(0).with_row_removed(0),
     "The table must keep at least one row, so its last row cannot be removed."),
])
def test_row_edit_errors(call, message):
    with pytest.raises(DataError) as e:
        call(make())
    assert msg(e) == message


def test_column_insert_remove_rename():
    d = make()
    e = d.with_column_inserted(0, " z ")
    assert e.columns == ("z", "x1", "x2", "y") and e.target == "y"
    np.testing.assert_array_equal(e.column("z"), [0, 0])
    f = d.with_column_inserted(3, "w", [1, 2])
    assert f.columns == ("x1", "x2", "y", "w") and f.target == "y"
    assert f.feature_names == ("x1", "x2", "w")
    np.testing.assert_array_equal(f.X, [[1, 2, 1], [4, 5, 2]])
    g = f.with_column_removed(1)
    assert g.columns == ("x1", "y", "w")
    np.testing.assert_array_equal(g.values, [[1, 3, 1], [4, 6, 2]])
    assert f.with_column_removed("w").equals(d)
    h = d.with_column_renamed(2, "price")
    assert h.columns == ("x1", "x2", "price") and h.target == "price"
    i = d.with_column_renamed("x1", "size")
    assert i.columns == ("size", "x2", "y") and i.target == "y"
    assert d.with_column_renamed(0, "x1").equals(d)
    assert d.columns == ("x1", "x2", "y")


@pytest.mark.parametrize("call, message", [
    (lambda d: d.with_column_inserted(0, "x1"),
     "There is already a column named 'x1'; column names must be unique."),
    (lambda d: d.with_column_inserted(0, ""), "The column has no name; every column needs a name."),
    (lambda d: d.with_column_inserted(0, "2.5"), "Column name '2.5' is a number; use a name that contains letters."),
    (lambda d: d.with_column_inserted(4, "z"), "Cannot insert a column at position 5; the table has 3 columns."),
    (lambda d: d.with_column_inserted(0, "z", [1]), "The new column 'z' has 1 values but needs 2."),
    (lambda d: d.with_column_removed(2),
     "Column 'y' is the target, so it cannot be removed; choose another target first."),
    (lambda d: d.with_column_removed(0).with_column_removed(0),
     "Column 'x2' is the only feature, so it cannot be removed."),
    (lambda d: d.with_column_renamed(0, "y"), "There is already a column named 'y'; column names must be unique."),
    (lambda d: d.with_column_renamed(0, " "), "The column has no name; every column needs a name."),
    (lambda d: d.with_target("nope"), "Target column 'nope' is not in the table; the columns are x1, x2, y."),
])
def test_column_edit_errors(call, message):
    with pytest.raises(DataError) as e:
        call(make())
    assert msg(e) == message


def test_with_target_and_name():
    d = make()
    e = d.with_target("x1")
    assert e.target == "x1" and e.feature_names == ("x2", "y")
    np.testing.assert_array_equal(e.y, [1, 4])
    assert d.target == "y"
    n = d.with_name("renamed")
    assert n.name == "renamed" and d.name == "t" and n.equals(d)
