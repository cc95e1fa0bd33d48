namespace ConvEngine.Kernels;

/// <summary>
/// A strided window on a buffer: element (i0, i1, ...) lives at
/// <c>Offset + i0 * Strides[0] + i1 * Strides[1] + ...</c>. A stride of 0 repeats the element,
/// which is how broadcasting reaches the kernels.
/// </summary>
public readonly record struct StridedView(DeviceBuffer Buffer, int Offset, int[] Shape, int[] Strides)
{
    /// <summary>The contiguous row-major view of <paramref name="shape"/> starting at element 0.</summary>
    public static StridedView Contiguous(DeviceBuffer buffer, int[] shape) =>
        new(buffer, 0, shape, ContiguousStrides(shape));

    /// <summary>Row-major strides of <paramref name="shape"/>.</summary>
    public static int[] ContiguousStrides(int[] shape)
    {
        var strides = new int[shape.Length];
        int s = 1;
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            strides[d] = s;
            s *= shape[d];
        }
        return strides;
    }

    /// <summary>Number of elements the view addresses.</summary>
    public int Count
    {
        get
        {
            int n = 1;
            foreach (int s in Shape) n *= s;
            return n;
        }
    }

    /// <summary>True when the view is row-major contiguous (size-1 dimensions may carry any stride).</summary>
    public bool IsContiguous
    {
        get
        {
            int expected = 1;
            for (int d = Shape.Length - 1; d >= 0; d--)
            {
                if (Shape[d] != 1 && Strides[d] != expected) return false;
                expected *= Shape[d];
            }
            return true;
        }
    }
}
