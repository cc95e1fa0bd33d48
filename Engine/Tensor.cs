using ConvEngine.Autograd;
using ConvEngine.Kernels;

namespace ConvEngine;

/// <summary>
/// An n-dimensional float32 array on a <see cref="Device"/>, row-major, possibly a strided view on another
/// tensor's memory, with reverse-mode automatic differentiation. Operations live in the partial files
/// beside this one: creation, views, element-wise arithmetic, reductions, matmul, formatting, autograd.
/// </summary>
public sealed partial class Tensor
{
    private readonly int[] _shape, _strides;
    private bool _requiresGrad;
    private Tensor? _grad;

    internal Tensor(DeviceBuffer buffer, int[] shape, int[] strides, int offset, Device device)
    {
        Buffer = buffer;
        _shape = shape;
        _strides = strides;
        Offset = offset;
        Device = device;
    }

    /// <summary>A new contiguous tensor owning <paramref name="buffer"/>.</summary>
    internal Tensor(DeviceBuffer buffer, int[] shape, Device device)
        : this(buffer, shape, StridedView.ContiguousStrides(shape), 0, device) { }

    /// <summary>The memory this tensor reads (shared with its views).</summary>
    internal DeviceBuffer Buffer { get; }

    /// <summary>Element offset of this view into <see cref="Buffer"/>.</summary>
    internal int Offset { get; }

    /// <summary>The device holding the data and running the operations.</summary>
    public Device Device { get; }

    /// <summary>The shape, e.g. <c>[1, 1, 6, 8]</c> for (N, C, H, W).</summary>
    public Size Shape => new(_shape);

    /// <summary>Number of dimensions (PyTorch's <c>dim()</c>).</summary>
    public int Dim => _shape.Length;

    /// <summary>Number of elements.</summary>
    public int Numel => Shapes.Numel(_shape);

    /// <summary>Elements to step in memory per index step in each dimension (PyTorch's <c>stride()</c>).</summary>
    public int[] Strides => (int[])_strides.Clone();

    /// <summary>True when the elements lie row-major without gaps (views from transposes and slices may not).</summary>
    public bool IsContiguous => Layout.IsContiguous;

    /// <summary>Length of dimension <paramref name="dim"/> (negative counts from the end).</summary>
    public int Size(int dim) => _shape[NormalizeDim(dim, Dim)];

    internal int[] ShapeArray => _shape;
    internal int[] StrideArray => _strides;
    internal IBackend Backend => Device.Backend;
    internal StridedView Layout => new(Buffer, Offset, _shape, _strides);

    // ---- autograd state ----------------------------------------------------------------------------

    /// <summary>
    /// Whether operations on this tensor are recorded for <see cref="Backward"/>. Only leaves (tensors
    /// not produced by a recorded operation) may change it.
    /// </summary>
    public bool RequiresGrad
    {
        get => _requiresGrad;
        set
        {
            if (GradFn is not null)
                throw new ConvEngineException(
                    "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().");
            _requiresGrad = value;
        }
    }

    /// <summary>
    /// The accumulated gradient of a leaf after <see cref="Backward"/>; null until then or after ZeroGrad. A
    /// gradient lives as long as its tensor, so one assigned here is taken out of any <see cref="TensorScope"/>.
    /// </summary>
    public Tensor? Grad
    {
        get => _grad;
        set => _grad = value is null ? null : TensorScope.Escape(value);
    }

    /// <summary>The recorded operation that produced this tensor, or null for a leaf.</summary>
    internal Node? GradFn { get; private set; }

    /// <summary>True for tensors created by the user rather than by a recorded operation.</summary>
    public bool IsLeaf => GradFn is null;

    /// <summary>PyTorch's name of the operation that produced this tensor (<c>ConvolutionBackward0</c>), or null.</summary>
    public string? GradFnName => GradFn?.Name;

    /// <summary>Sets <see cref="RequiresGrad"/> and returns this tensor, for chaining at creation.</summary>
    public Tensor RequiresGrad_(bool requiresGrad = true)
    {
        RequiresGrad = requiresGrad;
        return this;
    }

    /// <summary>
    /// Wraps a kernel result; when gradients are being recorded and any input requires one, attaches
    /// <paramref name="backward"/>, which maps the output's gradient to one gradient per input
    /// (null where the input needs none). Under <see cref="AnomalyMode"/> the result is checked first.
    /// </summary>
    internal static Tensor Record(Tensor result, string name, Tensor[] inputs, Func<Tensor, Tensor?[]> backward)
    {
        if (AnomalyMode.Enabled) AnomalyMode.CheckForward(name, result);
        if (!GradMode.IsEnabled) return result;
        foreach (var input in inputs)
        {
            if (!input.RequiresGrad) continue;
            result.GradFn = new Node(name, inputs, backward);
            result._requiresGrad = true;
            break;
        }
        return result;
    }

    // ---- helpers shared by the op files --------------------------------------------------------------

    /// <summary>A new zero-filled contiguous tensor on <paramref name="device"/>, owned by the current <see cref="TensorScope"/>.</summary>
    internal static Tensor Empty(int[] shape, Device device) =>
        new(TensorScope.Adopt(device.Backend.Allocate(Shapes.Numel(shape))), shape, device);

    /// <summary>
    /// A new contiguous tensor with undefined contents, for kernel outputs written in full, owned by the
    /// current <see cref="TensorScope"/>.
    /// </summary>
    internal static Tensor Uninitialized(int[] shape, Device device) =>
        new(TensorScope.Adopt(device.Backend.AllocateUninitialized(Shapes.Numel(shape))), shape, device);

    /// <summary>
    /// The buffer holding this tensor's elements contiguously from element 0: its own when it already
    /// does, otherwise a fresh copy. Kernels other than Copy and Binary read only such buffers.
    /// </summary>
    internal DeviceBuffer Contiguous0()
    {
        if (Offset == 0 && IsContiguous) return Buffer;
        var dst = TensorScope.Adopt(Backend.AllocateUninitialized(Numel));
        Backend.Copy(Layout, StridedView.Contiguous(dst, _shape));
        return dst;
    }

    /// <summary>
    /// Throws PyTorch's error unless every tensor is on <paramref name="first"/>'s device, naming that device first
    /// as PyTorch names the first operand's: an op's weight (the model's device) before its input, a before b.
    /// </summary>
    internal static void CheckSameDevice(Tensor first, params Tensor?[] others)
    {
        foreach (var t in others)
            if (t is not null && !t.Device.Equals(first.Device))
                throw new ConvEngineException(DeviceErrors.Mismatch(first.Device.Name, t.Device.Name));
    }

    internal static int NormalizeDim(int dim, int rank)
    {
        int r = Math.Max(rank, 1);
        if (dim < -r || dim >= r)
            throw new ConvEngineException($"Dimension out of range (expected to be in range of [{-r}, {r - 1}], but got {dim})");
        return dim < 0 ? dim + r : dim;
    }
}
