/*
 * Strided views as kernel arguments. The host merges dimensions that are contiguous in every view and drops
 * size-1 ones, so most element-wise calls arrive with rank 1; after merging at most MAX_RANK remain.
 */
#define MAX_RANK 8

/* The iteration space: rank (1 .. MAX_RANK) dimensions, row-major, count elements in all. */
typedef struct
{
    int rank;
    int count;
    int dims[MAX_RANK];
} Shape;

/* Where one view keeps element (i0, i1, ...): offset + i0 * strides[0] + i1 * strides[1] + ... */
typedef struct
{
    int offset;
    int strides[MAX_RANK];
} Layout;

/* The element offset, in view l, of the linear (row-major) index i of shape s. */
INLINE int strided_offset(int i, Shape s, Layout l)
{
    int offset = l.offset;
    for (int d = s.rank - 1; d >= 0; d--)
    {
        offset += (i % s.dims[d]) * l.strides[d];
        i /= s.dims[d];
    }
    return offset;
}
