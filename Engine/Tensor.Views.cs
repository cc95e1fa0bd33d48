using ConvEngine.Autograd;
using ConvEngine.Kernels;

namespace ConvEngine;

// Views share memory with the tensor they come from: reshape, transpose, slicing, (un)squeeze.
// Each records a backward that maps the gradient back to the source's shape.
public sealed partial class Tensor
{
    /// <summary>
    /// Indexing as in PyTorch: <c>x[0]</c> selects, <c>x[.., 2..6]</c> slices; the result is a view.
    /// Setting copies (with broadcasting) into the indexed region: <c>x[.., 2..6] = 0f</c>.
    /// </summary>
    [System.Runtime.CompilerServices.IndexerName("At")]
    public Tensor this[params TensorIndex[] index]
    {
        get => Index(index);
        set
        {
            CheckInPlace(IsLeaf ? "a view of a leaf Variable that requires grad is being used in an in-place operation." : null);
            Index(index).Detach().CopyFrom(value);
        }
    }

    /// <summary>
    /// Copies <paramref name="source"/> (broadcast to this shape, from any device) into this tensor's memory,
    /// as PyTorch's <c>copy_</c>; not recorded by autograd. Returns this.
    /// </summary>
    public Tensor CopyFrom(Tensor source)
    {
        CheckInPlace(IsLeaf ? "a leaf Variable that requires grad is being used in an in-place operation." : null);
        Backend.Copy(BroadcastTo(source.Detach().To(Device), _shape).Layout, Layout);
        return this;
    }

    // In-place writes are not recorded: refuse them on tensors autograd is tracking (PyTorch's wording for
    // leaves; ConvEngine does not rewrite graphs for in-place writes into computed tensors).
    private void CheckInPlace(string? leafMessage)
    {
        if (!RequiresGrad || !GradMode.IsEnabled) return;
        throw new ConvEngineException(leafMessage
            ?? "in-place assignment into a tensor that is part of an autograd graph is not supported; assign into .Detach() or inside Tensor.NoGrad()");
    }

    private Tensor Index(TensorIndex[] index)
    {
        if (index.Length > Dim)
            throw new ConvEngineException($"too many indices for tensor of dimension {Dim}");
        var t = this;
        int dim = 0;
        foreach (var entry in index)
        {
            if (entry.Position is int p) t = t.Select(dim, p);
            else
            {
                var (start, length) = ClampRange(entry.Range, t._shape[dim]);
                t = t.Slice(dim, start, start + length);
                dim++;
            }
        }
        return t;
    }

    // Python slice semantics: out-of-range ends clamp instead of failing.
    private static (int Start, int Length) ClampRange(Range r, int size)
    {
        int start = Math.Clamp(r.Start.IsFromEnd ? size - r.Start.Value : r.Start.Value, 0, size);
        int end = Math.Clamp(r.End.IsFromEnd ? size - r.End.Value : r.End.Value, 0, size);
        return (start, Math.Max(0, end - start));
    }

    /// <summary>Elements start, start + step, … below end along <paramref name="dim"/>, as a view (<c>x[:, start:end:step]</c>).</summary>
    public Tensor Slice(int dim, int start, int end, int step = 1)
    {
        dim = NormalizeDim(dim, Dim);
        if (step <= 0) throw new ConvEngineException("slice step must be positive");
        int size = _shape[dim];
        start = Math.Clamp(start < 0 ? start + size : start, 0, size);
        end = Math.Clamp(end < 0 ? end + size : end, 0, size);
        int length = end > start ? (end - start + step - 1) / step : 0;
        var shape = (int[])_shape.Clone();
        var strides = (int[])_strides.Clone();
        shape[dim] = length;
        strides[dim] *= step;
        var view = new Tensor(Buffer, shape, strides, Offset + start * _strides[dim], Device);
        var (d, s0, s1, st) = (dim, start, end, step);
        return Record(view, "SliceBackward0", [this], g => [ScatterIntoZeros(g, t => t.Slice(d, s0, s1, st))]);
    }

    /// <summary>The sub-tensor at <paramref name="index"/> along <paramref name="dim"/>, that dimension removed.</summary>
    public Tensor Select(int dim, int index)
    {
        dim = NormalizeDim(dim, Dim);
        int size = _shape[dim];
        if (index < -size || index >= size)
            throw new ConvEngineException($"index {index} is out of bounds for dimension {dim} with size {size}");
        if (index < 0) index += size;
        var view = new Tensor(Buffer, _shape.Where((_, d) => d != dim).ToArray(),
            _strides.Where((_, d) => d != dim).ToArray(), Offset + index * _strides[dim], Device);
        var (dd, ii) = (dim, index);
        return Record(view, "SelectBackward0", [this], g => [ScatterIntoZeros(g, t => t.Select(dd, ii))]);
    }

    // Backward of a view that picks part of the source: zeros of the source's shape with g written
    // into the same part.
    private Tensor ScatterIntoZeros(Tensor g, Func<Tensor, Tensor> samePart)
    {
        var full = Zeros(_shape, Device);
        full.Backend.Copy(g.Layout, samePart(full).Layout);
        return full;
    }

    /// <summary>
    /// The same elements with a new shape (one entry may be −1 to infer it); a view when the memory
    /// allows, a copy otherwise.
    /// </summary>
    public Tensor Reshape(params int[] shape)
    {
        shape = InferShape(shape);
        var source = IsContiguous ? this : Contiguous();
        var view = new Tensor(source.Buffer, shape, StridedView.ContiguousStrides(shape), source.Offset, Device);
        var inShape = _shape;
        return Record(view, "ViewBackward0", [source], g => [g.Reshape(inShape)]);
    }

    /// <summary>A view with a new shape; the tensor must be contiguous (use <see cref="Reshape"/> otherwise).</summary>
    public Tensor View(params int[] shape)
    {
        if (!IsContiguous)
            throw new ConvEngineException(
                "view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.");
        return Reshape(shape);
    }

    private int[] InferShape(int[] shape)
    {
        shape = (int[])shape.Clone();
        int infer = Array.IndexOf(shape, -1);
        if (Array.LastIndexOf(shape, -1) != infer) throw new ConvEngineException("only one dimension can be inferred");
        long known = 1;
        foreach (int d in shape)
            if (d != -1)
            {
                if (d < 0) throw new ConvEngineException($"invalid shape dimension {d}");
                known *= d;
            }
        if (infer >= 0 && known != 0 && Numel % known == 0) shape[infer] = (int)(Numel / known);
        if ((infer >= 0 && (known == 0 || Numel % known != 0)) || (infer < 0 && known != Numel))
            throw new ConvEngineException($"shape '{Shapes.Format(shape)}' is invalid for input of size {Numel}");
        return shape;
    }

    /// <summary>Swaps two dimensions, as a view.</summary>
    public Tensor Transpose(int dim0, int dim1) => Transpose(dim0, dim1, "TransposeBackward0");

    private Tensor Transpose(int dim0, int dim1, string name)
    {
        dim0 = NormalizeDim(dim0, Dim);
        dim1 = NormalizeDim(dim1, Dim);
        var shape = (int[])_shape.Clone();
        var strides = (int[])_strides.Clone();
        (shape[dim0], shape[dim1]) = (shape[dim1], shape[dim0]);
        (strides[dim0], strides[dim1]) = (strides[dim1], strides[dim0]);
        var view = new Tensor(Buffer, shape, strides, Offset, Device);
        var (a, b) = (dim0, dim1);
        return Record(view, name, [this], g => [g.Transpose(a, b)]);
    }

    /// <summary>The transpose of a matrix (tensors of at most 2 dimensions), as PyTorch's <c>t()</c>.</summary>
    public Tensor T()
    {
        if (Dim > 2) throw new ConvEngineException($"t() expects a tensor with <= 2 dimensions, but self is {Dim}D");
        return Dim < 2 ? this : Transpose(0, 1, "TBackward0");
    }

    /// <summary>Inserts a dimension of length 1 at <paramref name="dim"/>.</summary>
    public Tensor Unsqueeze(int dim)
    {
        dim = NormalizeDim(dim, Dim + 1);
        var shape = _shape.ToList();
        var strides = _strides.ToList();
        shape.Insert(dim, 1);
        strides.Insert(dim, dim < Dim ? _strides[dim] * _shape[dim] : 1);
        var view = new Tensor(Buffer, [.. shape], [.. strides], Offset, Device);
        return Record(view, "UnsqueezeBackward0", [this], g => [g.Squeeze(dim)]);
    }

    /// <summary>Removes dimension <paramref name="dim"/> when its length is 1 (otherwise returns the tensor as is), as a view.</summary>
    public Tensor Squeeze(int dim)
    {
        dim = NormalizeDim(dim, Dim);
        if (Dim == 0 || _shape[dim] != 1) return this;
        var view = new Tensor(Buffer, _shape.Where((_, d) => d != dim).ToArray(), _strides.Where((_, d) => d != dim).ToArray(), Offset, Device);
        return Record(view, "SqueezeBackward1", [this], g => [g.Unsqueeze(dim)]);
    }

    /// <summary>Merges dimensions <paramref name="startDim"/>..<paramref name="endDim"/> into one.</summary>
    public Tensor Flatten(int startDim = 0, int endDim = -1)
    {
        if (Dim == 0) return Reshape(1);
        startDim = NormalizeDim(startDim, Dim);
        endDim = NormalizeDim(endDim, Dim);
        if (startDim > endDim) throw new ConvEngineException("flatten() has invalid args: start_dim cannot come after end_dim");
        var shape = new List<int>(_shape[..startDim]) { _shape[startDim..(endDim + 1)].Aggregate(1, (a, b) => a * b) };
        shape.AddRange(_shape[(endDim + 1)..]);
        return Reshape([.. shape]);
    }

    /// <summary>This tensor when contiguous, otherwise a contiguous copy.</summary>
    public Tensor Contiguous() => IsContiguous ? this : Clone();

    /// <summary>A contiguous copy that owns its memory; gradients flow through.</summary>
    public Tensor Clone()
    {
        var copy = Uninitialized((int[])_shape.Clone(), Device);
        Backend.Copy(Layout, copy.Layout);
        return Record(copy, "CloneBackward0", [this], g => [g]);
    }

    /// <summary>A tensor sharing this one's memory but cut from the graph (never requires grad).</summary>
    public Tensor Detach() => new(Buffer, _shape, _strides, Offset, Device);

    /// <summary>PyTorch's <c>.data</c>: the detached view, for updates that must not be recorded.</summary>
    public Tensor Data => Detach();
}
