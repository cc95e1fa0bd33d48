namespace ConvEngine.Kernels.Cpu;

/// <summary>Walks an N-d index space row by row (the last dimension is the row), rows in parallel when there are many.</summary>
internal static class StridedLoop
{
    public delegate void RowAction(ReadOnlySpan<int> index, int row, int rowLength);

    /// <summary>Calls <paramref name="action"/> once per row with the row's leading index (last entry 0).</summary>
    public static void ForEach(int[] shape, RowAction action)
    {
        if (shape.Length == 0)
        {
            action(ReadOnlySpan<int>.Empty, 0, 1);
            return;
        }
        int rowLength = shape[^1];
        int rows = 1;
        for (int d = 0; d < shape.Length - 1; d++) rows *= shape[d];
        if (rows == 0 || rowLength == 0) return;
        void RunRows(int from, int to)
        {
            Span<int> index = stackalloc int[shape.Length];
            for (int r = from; r < to; r++)
            {
                int rest = r;
                for (int d = shape.Length - 2; d >= 0; d--)
                {
                    index[d] = rest % shape[d];
                    rest /= shape[d];
                }
                index[^1] = 0;
                action(index, r, rowLength);
            }
        }
        // Parallelism pays only for large tensors; small ones run inline.
        if ((long)rows * rowLength < 1 << 16 || rows < 2)
        {
            RunRows(0, rows);
            return;
        }
        int chunks = Math.Min(rows, CpuBackend.Threads * 4);
        Parallel.For(0, chunks, c => RunRows((int)((long)rows * c / chunks), (int)((long)rows * (c + 1) / chunks)));
    }

    /// <summary>Element offset of <paramref name="index"/> in <paramref name="view"/>.</summary>
    public static int OffsetOf(in StridedView view, ReadOnlySpan<int> index)
    {
        int off = view.Offset;
        for (int d = 0; d < index.Length; d++) off += index[d] * view.Strides[d];
        return off;
    }
}
