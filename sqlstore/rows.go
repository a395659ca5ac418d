package sqlstore

import "context"

// rowDecoder decodes rows of one shape into values of T. It owns the scan
// destinations of a row, which dest returns in column order, and value
// builds the row just scanned into them. A list scans all its rows into
// one decoder, so that a row allocates nothing beyond what its value
// keeps and what the driver hands over.
type rowDecoder[T any] interface {
	dest() []any
	value() (T, error)
}

// decodeRow scans r into d and returns its value; a scan error is
// translated for op.
func decodeRow[T any](ctx context.Context, s *Store, op string, r scanner, d rowDecoder[T]) (T, error) {
	if err := r.Scan(d.dest()...); err != nil {
		var zero T
		return zero, s.translate(ctx, op, err)
	}
	return d.value()
}

// readRows runs query q and decodes each row with d, into a slice made at
// the first row for size rows (a page's size and the one row more that
// tells whether another page follows). No row gives a nil slice.
func readRows[T any](ctx context.Context, s *Store, c querier, op, q string, args []any, size int, d rowDecoder[T]) ([]T, error) {
	rows, err := c.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, s.translate(ctx, op, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		if out == nil {
			out = make([]T, 0, max(size, 1))
		}
		v, err := decodeRow(ctx, s, op, rows, d)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, s.translate(ctx, op, err)
	}
	return out, nil
}
