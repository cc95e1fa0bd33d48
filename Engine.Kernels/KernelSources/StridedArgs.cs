namespace ConvEngine.Kernels.KernelSources;

/// <summary>Turns strided views into the <c>Shape</c> and <c>Layout</c> arguments of strided.h.</summary>
internal static class StridedArgs
{
    /// <summary>The most dimensions a strided kernel walks (MAX_RANK in strided.h), after merging.</summary>
    public const int MaxRank = 8;

    /// <summary>
    /// The iteration space of <paramref name="shape"/> and each view's layout over it, simplified: size-1
    /// dimensions are dropped, and a dimension is merged into the next inner one when every view steps through
    /// the pair contiguously (stride[d] = stride[d + 1] · size[d + 1] in all of them). Row-major order of the
    /// elements is unchanged, so contiguous views come out as one run of rank 1 and stride 1.
    /// </summary>
    /// <exception cref="ConvEngineException">when more than <see cref="MaxRank"/> dimensions remain.</exception>
    public static unsafe (ShapeArg Shape, LayoutArg[] Layouts) Merge(int[] shape, params ReadOnlySpan<StridedView> views)
    {
        // Built innermost first: dims[r] with strides[v][r] for view v.
        var dims = new List<int>();
        var strides = new List<int>[views.Length];
        for (int v = 0; v < views.Length; v++) strides[v] = [];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            if (shape[d] == 1) continue;
            bool merges = dims.Count > 0;
            for (int v = 0; v < views.Length && merges; v++)
                merges = views[v].Strides[d] == strides[v][^1] * dims[^1];
            if (merges)
            {
                dims[^1] *= shape[d];
                continue;
            }
            dims.Add(shape[d]);
            for (int v = 0; v < views.Length; v++) strides[v].Add(views[v].Strides[d]);
        }
        if (dims.Count > MaxRank)
            throw new ConvEngineException(
                $"strided views of shape {Shapes.Format(shape)} need {dims.Count} dimensions after merging; device kernels take at most {MaxRank}");
        if (dims.Count == 0) // a single element
        {
            dims.Add(1);
            foreach (var s in strides) s.Add(0);
        }

        var result = new ShapeArg { Rank = dims.Count, Count = Shapes.Numel(shape) };
        var layouts = new LayoutArg[views.Length];
        for (int r = 0; r < dims.Count; r++) result.Dims[r] = dims[dims.Count - 1 - r];
        for (int v = 0; v < views.Length; v++)
        {
            layouts[v].Offset = views[v].Offset;
            for (int r = 0; r < dims.Count; r++) layouts[v].Strides[r] = strides[v][dims.Count - 1 - r];
        }
        return (result, layouts);
    }

    /// <summary>True when <see cref="Merge"/> left one dimension that every layout walks with stride 1.</summary>
    public static unsafe bool IsOneRun(in ShapeArg shape, LayoutArg[] layouts)
    {
        if (shape.Rank != 1) return false;
        foreach (var layout in layouts)
            if (layout.Strides[0] != 1) return false;
        return true;
    }
}
