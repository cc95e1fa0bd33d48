using ConvEngine.Nn;
using F = ConvEngine.Functional;

namespace ConvEngine.Tests;

/// <summary>
/// Mistakes a user makes raise <see cref="ConvEngineException"/> with PyTorch's wording, on one line.
/// Expected texts come from PyTorch 1.13 running the Python given beside each (z = torch.zeros),
/// except where a comment says otherwise. Together they cover every bad input issue 7 lists: wrong rank for
/// conv2d and pooling, channel mismatch, bias size, kernel larger than the padded input, non-positive stride,
/// negative padding, pooling padding over half the kernel, matmul inner dimensions, broadcasting, labels outside
/// [0, C) and tensors on two devices.
/// </summary>
[TestFixtureSource(typeof(TestBackends), nameof(TestBackends.Fixtures))]
public sealed class ErrorMessageTests(string device) : BackendFixture(device)
{
    private Tensor Z(params int[] shape) => Tensor.Zeros(shape, Device);

    private static void AssertThrows(TestDelegate code, string message)
    {
        var ex = Assert.Throws<ConvEngineException>(code);
        Assert.That(ex!.Message, Is.EqualTo(message));
        Assert.That(ex.Message, Does.Not.Contain("\n"));
    }

    // ---- convolution --------------------------------------------------------------------------------

    [Test]
    public void Conv2dChannelMismatch() => // F.conv2d(z(1, 3, 8, 8), z(1, 1, 2, 2))
        AssertThrows(() => F.Conv2d(Z(1, 3, 8, 8), Z(1, 1, 2, 2)),
            "Given groups=1, weight of size [1, 1, 2, 2], expected input[1, 3, 8, 8] to have 1 channels, but got 3 channels instead");

    [Test]
    public void Conv2dChannelMismatchUnbatched() => // F.conv2d(z(3, 8, 8), z(1, 1, 2, 2)) reports the batched size
        AssertThrows(() => F.Conv2d(Z(3, 8, 8), Z(1, 1, 2, 2)),
            "Given groups=1, weight of size [1, 1, 2, 2], expected input[1, 3, 8, 8] to have 1 channels, but got 3 channels instead");

    [Test]
    public void Conv2dKernelLargerThanInput() => // F.conv2d(z(1, 1, 2, 2), z(1, 1, 3, 3))
        AssertThrows(() => F.Conv2d(Z(1, 1, 2, 2), Z(1, 1, 3, 3)),
            "Calculated padded input size per channel: (2 x 2). Kernel size: (3 x 3). Kernel size can't be greater than actual input size");

    [Test]
    public void Conv2dKernelLargerThanPaddedInput() => // F.conv2d(z(1, 1, 2, 3), z(1, 1, 3, 5), padding=(0, 1))
        AssertThrows(() => F.Conv2d(Z(1, 1, 2, 3), Z(1, 1, 3, 5), padding: (0, 1)),
            "Calculated padded input size per channel: (2 x 5). Kernel size: (3 x 5). Kernel size can't be greater than actual input size");

    [Test]
    public void Conv2dNonPositiveStride() // F.conv2d(z(1, 1, 4, 4), z(1, 1, 2, 2), stride=0) and stride=(1, -1)
    {
        AssertThrows(() => F.Conv2d(Z(1, 1, 4, 4), Z(1, 1, 2, 2), stride: 0), "non-positive stride is not supported");
        AssertThrows(() => F.Conv2d(Z(1, 1, 4, 4), Z(1, 1, 2, 2), stride: (1, -1)), "non-positive stride is not supported");
    }

    [Test]
    public void Conv2dNegativePadding() => // F.conv2d(z(1, 1, 4, 4), z(1, 1, 2, 2), padding=-1)
        AssertThrows(() => F.Conv2d(Z(1, 1, 4, 4), Z(1, 1, 2, 2), padding: -1), "negative padding is not supported");

    [Test]
    public void Conv2dInputOfWrongRank() // F.conv2d(z(8, 8), ...) and F.conv2d(z(1, 1, 1, 8, 8), ...)
    {
        AssertThrows(() => F.Conv2d(Z(8, 8), Z(1, 1, 2, 2)),
            "Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [8, 8]");
        AssertThrows(() => F.Conv2d(Z(1, 1, 1, 8, 8), Z(1, 1, 2, 2)),
            "Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [1, 1, 1, 8, 8]");
    }

    [Test]
    public void Conv2dWeightWithoutOutputChannels() => // F.conv2d(z(1, 1, 4, 4), z(0, 1, 2, 2))
        AssertThrows(() => F.Conv2d(Z(1, 1, 4, 4), Z(0, 1, 2, 2)),
            "Given groups=1, expected weight to be at least 1 at dimension 0, but got weight of size [0, 1, 2, 2] instead");

    [Test]
    public void Conv2dEmptyImage() => // F.conv2d(z(1, 1, 0, 4), z(2, 1, 1, 1))
        AssertThrows(() => F.Conv2d(Z(1, 1, 0, 4), Z(2, 1, 1, 1)),
            "Calculated padded input size per channel: (0 x 4). Kernel size: (1 x 1). Kernel size can't be greater than actual input size");

    [Test]
    public void Conv2dBiasOfWrongSize() // F.conv2d(z(1, 1, 4, 4), z(2, 1, 2, 2), z(3)) and bias z(2, 1)
    {
        AssertThrows(() => F.Conv2d(Z(1, 1, 4, 4), Z(2, 1, 2, 2), Z(3)),
            "Given weight of size [2, 1, 2, 2], expected bias to be 1-dimensional with 2 elements, but got bias of size [3] instead");
        AssertThrows(() => F.Conv2d(Z(1, 1, 4, 4), Z(2, 1, 2, 2), Z(2, 1)),
            "Given weight of size [2, 1, 2, 2], expected bias to be 1-dimensional with 2 elements, but got bias of size [2, 1] instead");
    }

    // ---- pooling ------------------------------------------------------------------------------------

    [Test]
    public void MaxPoolPaddingOverHalfTheKernel() // F.max_pool2d(z(1, 1, 4, 4), 2, padding=2), then kernel (3, 2) with padding (1, 2)
    {
        AssertThrows(() => F.MaxPool2d(Z(1, 1, 4, 4), 2, padding: 2), "pad should be at most half of kernel size, but got pad=2 and kernel_size=2");
        AssertThrows(() => F.MaxPool2d(Z(1, 1, 4, 4), (3, 2), padding: (1, 2)), "pad should be at most half of kernel size, but got pad=2 and kernel_size=2");
    }

    [Test]
    public void AvgPoolPaddingOverHalfTheKernel() // F.avg_pool2d(z(1, 1, 4, 4), 2, padding=2), then kernel 3 with padding 2
    {
        AssertThrows(() => F.AvgPool2d(Z(1, 1, 4, 4), 2, padding: 2), "pad should be at most half of kernel size, but got pad=2 and kernel_size=2");
        AssertThrows(() => F.AvgPool2d(Z(1, 1, 4, 4), 3, padding: 2), "pad should be at most half of kernel size, but got pad=2 and kernel_size=3");
    }

    [Test]
    public void PoolInputOfWrongRank() // F.max_pool2d(z(4, 4), 2), z(1, 1, 1, 4, 4); F.avg_pool2d(z(1, 1, 1, 4, 4), 2)
    {
        AssertThrows(() => F.MaxPool2d(Z(4, 4), 2), "non-empty 3D or 4D (batch mode) tensor expected for input");
        AssertThrows(() => F.MaxPool2d(Z(1, 1, 1, 4, 4), 2), "non-empty 3D or 4D (batch mode) tensor expected for input");
        AssertThrows(() => F.AvgPool2d(Z(1, 1, 1, 4, 4), 2),
            "Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:[1, 1, 1, 4, 4]");
        // PyTorch 1.13's avg_pool2d fails on a 2-D input with "Dimension out of range" before its own check; this is that check.
        AssertThrows(() => F.AvgPool2d(Z(4, 4), 2), "Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:[4, 4]");
    }

    [Test]
    public void PoolEmptyChannelsOrImage() // F.max_pool2d(z(1, 0, 4, 4), 2), F.avg_pool2d(z(1, 1, 4, 0), 2), F.max_pool2d(z(0, 4, 4), 2)
    {
        AssertThrows(() => F.MaxPool2d(Z(1, 0, 4, 4), 2), "Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:[1, 0, 4, 4]");
        AssertThrows(() => F.AvgPool2d(Z(1, 1, 4, 0), 2), "Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:[1, 1, 4, 0]");
        AssertThrows(() => F.MaxPool2d(Z(0, 4, 4), 2), "Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for input, but got:[0, 4, 4]");
    }

    [Test]
    public void PoolNonPositiveKernel() // F.max_pool2d(z(1, 1, 4, 4), 0) (the stride defaults to the kernel), then with stride=1
    {
        AssertThrows(() => F.MaxPool2d(Z(1, 1, 4, 4), 0), "stride should not be zero");
        AssertThrows(() => F.MaxPool2d(Z(1, 1, 4, 4), 0, stride: 1), "kernel size should be greater than zero, but got kH: 0 kW: 0");
        AssertThrows(() => F.AvgPool2d(Z(1, 1, 4, 4), -1, stride: 1), "kernel size should be greater than zero, but got kH: -1 kW: -1");
    }

    [Test]
    public void PoolNonPositiveStride() // F.max_pool2d(z(1, 1, 4, 4), 2, stride=-1), then stride=0; the same for avg_pool2d
    {
        AssertThrows(() => F.MaxPool2d(Z(1, 1, 4, 4), 2, stride: -1), "stride should be greater than zero, but got dH: -1 dW: -1");
        AssertThrows(() => F.AvgPool2d(Z(1, 1, 4, 4), 2, stride: -1), "stride should be greater than zero, but got dH: -1 dW: -1");
        AssertThrows(() => F.MaxPool2d(Z(1, 1, 4, 4), 2, stride: 0), "stride should not be zero");
        AssertThrows(() => F.AvgPool2d(Z(1, 1, 4, 4), 2, stride: 0), "stride should not be zero");
    }

    [Test]
    public void PoolNegativePadding() => // F.max_pool2d(z(1, 1, 4, 4), 2, padding=-1)
        AssertThrows(() => F.MaxPool2d(Z(1, 1, 4, 4), 2, padding: -1), "pad must be non-negative, but got pad: -1");

    [Test]
    public void PoolOutputTooSmall() // F.max_pool2d(z(1, 1, 2, 2), 3), same for avg_pool2d; F.max_pool2d(z(2, 2, 3), 5, stride=1)
    {
        AssertThrows(() => F.MaxPool2d(Z(1, 1, 2, 2), 3), "Given input size: (1x2x2). Calculated output size: (1x0x0). Output size is too small");
        AssertThrows(() => F.AvgPool2d(Z(1, 1, 2, 2), 3), "Given input size: (1x2x2). Calculated output size: (1x0x0). Output size is too small");
        AssertThrows(() => F.MaxPool2d(Z(2, 2, 3), 5, stride: 1), "Given input size: (2x2x3). Calculated output size: (2x-2x-1). Output size is too small");
    }

    // ---- matmul, broadcasting, shapes ---------------------------------------------------------------

    [Test]
    public void MatmulShapes() // z(2, 3) @ z(4, 5), z(3) @ z(4, 5), z(2, 3) @ z(4), z(3) @ z(4)
    {
        AssertThrows(() => Z(2, 3).Matmul(Z(4, 5)), "mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)");
        AssertThrows(() => Z(3).Matmul(Z(4, 5)), "mat1 and mat2 shapes cannot be multiplied (1x3 and 4x5)");
        AssertThrows(() => Z(2, 3).Matmul(Z(4)), "size mismatch, got 2, 2x3,4");
        AssertThrows(() => Z(3).Matmul(Z(4)),
            "inconsistent tensor size, expected tensor [3] and src [4] to have the same number of elements, but got 3 and 4 elements respectively");
    }

    [Test]
    public void LinearShapes() // F.linear(z(2, 3), z(5, 4)), F.linear(z(2, 2, 3), z(5, 4)), F.linear(z(4), z(5, 3))
    {
        AssertThrows(() => F.Linear(Z(2, 3), Z(5, 4)), "mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)");
        AssertThrows(() => F.Linear(Z(2, 2, 3), Z(5, 4)), "mat1 and mat2 shapes cannot be multiplied (4x3 and 4x5)");
        AssertThrows(() => F.Linear(Z(4), Z(5, 3)), "mat1 and mat2 shapes cannot be multiplied (1x4 and 3x5)");
    }

    [Test]
    public void LinearBiasOfWrongSize() // F.linear(z(2, 3), z(5, 3), z(4)), the same with z(2, 2, 3) and with z(3)
    {
        AssertThrows(() => F.Linear(Z(2, 3), Z(5, 3), Z(4)),
            "The expanded size of the tensor (5) must match the existing size (4) at non-singleton dimension 1.  Target sizes: [2, 5].  Tensor sizes: [4]");
        AssertThrows(() => F.Linear(Z(2, 2, 3), Z(5, 3), Z(4)),
            "The expanded size of the tensor (5) must match the existing size (4) at non-singleton dimension 1.  Target sizes: [4, 5].  Tensor sizes: [4]");
        AssertThrows(() => F.Linear(Z(3), Z(5, 3), Z(4)), "The size of tensor a (5) must match the size of tensor b (4) at non-singleton dimension 0");
    }

    [Test]
    public void MatmulOfScalar() => // z(3) @ torch.tensor(1.)
        AssertThrows(() => Z(3).Matmul(Tensor.Scalar(1f, Device)), "both arguments to matmul need to be at least 1D, but they are 1D and 0D");

    // PyTorch's text names the clashing sizes; issue 7 asks for both shapes, which follow it in parentheses.
    [Test]
    public void BroadcastMismatch() // z(2, 3) + z(2, 4), z(3) * z(4), z(2, 3, 4) - z(5, 4), z(3) / z(2, 1, 4)
    {
        AssertThrows(() => _ = Z(2, 3) + Z(2, 4),
            "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1 (a has shape [2, 3], b has shape [2, 4])");
        AssertThrows(() => _ = Z(3) * Z(4),
            "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 0 (a has shape [3], b has shape [4])");
        AssertThrows(() => _ = Z(2, 3, 4) - Z(5, 4),
            "The size of tensor a (3) must match the size of tensor b (5) at non-singleton dimension 1 (a has shape [2, 3, 4], b has shape [5, 4])");
        AssertThrows(() => _ = Z(3) / Z(2, 1, 4),
            "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 2 (a has shape [3], b has shape [2, 1, 4])");
    }

    [Test]
    public void ExpandMismatch() => // z(2, 3).expand(4, 3)
        AssertThrows(() => Z(2, 3).Expand(4, 3),
            "The expanded size of the tensor (4) must match the existing size (2) at non-singleton dimension 0.  Target sizes: [4, 3].  Tensor sizes: [2, 3]");

    [Test]
    public void ReshapeToWrongSize() // torch.arange(16.).reshape(3, 5), .reshape(-1, 5), .reshape(-1, -1)
    {
        AssertThrows(() => Z(16).Reshape(3, 5), "shape '[3, 5]' is invalid for input of size 16");
        AssertThrows(() => Z(16).Reshape(-1, 5), "shape '[-1, 5]' is invalid for input of size 16");
        AssertThrows(() => Z(16).Reshape(-1, -1), "only one dimension can be inferred");
    }

    [Test]
    public void NegativeDimensionAtCreation() => // z(-1, 2)
        AssertThrows(() => Tensor.Zeros([-1, 2], Device), "Trying to create tensor with negative dimension -1: [-1, 2]");

    [Test]
    public void FlattenDimsOutOfOrder() => // z(2, 3, 4).flatten(2, 1)
        AssertThrows(() => Z(2, 3, 4).Flatten(2, 1), "flatten() has invalid args: start_dim cannot come after end_dim");

    [Test]
    public void TOfThreeDimensions() => // z(2, 3, 4).t()
        AssertThrows(() => Z(2, 3, 4).T(), "t() expects a tensor with <= 2 dimensions, but self is 3D");

    // ---- indexing -----------------------------------------------------------------------------------

    [Test]
    public void IndexOutOfRange() // z(3, 4)[5], z(3, 4)[:, -5], z(3, 4)[0, 0, 0]
    {
        var x = Z(3, 4);
        AssertThrows(() => _ = x[5], "index 5 is out of bounds for dimension 0 with size 3");
        AssertThrows(() => _ = x[.., -5], "index -5 is out of bounds for dimension 1 with size 4");
        AssertThrows(() => _ = x[0, 0, 0], "too many indices for tensor of dimension 2");
    }

    [Test]
    public void DimensionOutOfRange() // z(3, 4).sum(2) and z(3, 4).transpose(0, -3)
    {
        AssertThrows(() => Z(3, 4).Sum(2), "Dimension out of range (expected to be in range of [-2, 1], but got 2)");
        AssertThrows(() => Z(3, 4).Transpose(0, -3), "Dimension out of range (expected to be in range of [-2, 1], but got -3)");
    }

    [Test]
    public void MaxOverEmptyDimension() => // z(0, 3).max(0)
        AssertThrows(() => Z(0, 3).Max(0), "max(): Expected reduction dim 0 to have non-zero size.");

    // ---- autograd -------------------------------------------------------------------------------------

    [Test]
    public void InPlaceCopyIntoLeafRequiringGrad() => // x = z(3, requires_grad=True); x.copy_(z(3))
        AssertThrows(() => Z(3).RequiresGrad_().CopyFrom(Z(3)), "a leaf Variable that requires grad is being used in an in-place operation.");

    [Test]
    public void IndexedAssignmentIntoLeafRequiringGrad() // x = z(3, requires_grad=True); x[0] = 1 writes through a view
    {
        var x = Z(3).RequiresGrad_();
        AssertThrows(() => x[0] = 1f, "a view of a leaf Variable that requires grad is being used in an in-place operation.");
    }

    [Test]
    public void InPlaceIsAllowedUnderNoGrad()
    {
        var x = Z(3).RequiresGrad_();
        using (Tensor.NoGrad()) x[0] = 1f;
        Assert.That(x.ToArray(), Is.EqualTo(new[] { 1f, 0f, 0f }));
    }

    [Test]
    public void BackwardWithoutGraph() => // z(2).sum().backward()
        AssertThrows(() => Z(2).Sum().Backward(), "element 0 of tensors does not require grad and does not have a grad_fn");

    [Test]
    public void BackwardWithGradientOfWrongShape() => // (x * 2).backward(z(2)) with x = z(3, requires_grad=True)
        AssertThrows(() => (Z(3).RequiresGrad_() * 2f).Backward(Z(2)),
            "Mismatch in shape: grad_output[0] has a shape of torch.Size([2]) and output[0] has a shape of torch.Size([3]).");

    [Test]
    public void RequiresGradOfNonLeaf() => // (x * 2).requires_grad = False
        AssertThrows(() => (Z(3).RequiresGrad_() * 2f).RequiresGrad = false,
            "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().");

    [Test]
    public void CrossEntropyTargetOutOfBounds() // F.cross_entropy(z(2, 10), torch.tensor([1, 10])), target [-1, 1], target of 3 rows
    {
        AssertThrows(() => F.CrossEntropy(Z(2, 10), T([1f, 10f])), "Target 10 is out of bounds.");
        AssertThrows(() => F.CrossEntropy(Z(2, 10), T([-1f, 1f])), "Target -1 is out of bounds.");
        AssertThrows(() => F.CrossEntropy(Z(2, 10), T([1f, 1f, 1f])), "Expected input batch_size (2) to match target batch_size (3).");
        AssertThrows(() => F.NllLoss(Z(2, 10), T([1f, 10f])), "Target 10 is out of bounds.");
        AssertThrows(() => F.CrossEntropy(Z(2), T([0f])), "size mismatch (got input: [2], target: [1])"); // F.cross_entropy(z(2), torch.tensor([0]))
        // Labels are floats here (PyTorch's are integers): a fraction or NaN is no class either.
        AssertThrows(() => F.CrossEntropy(Z(2, 10), T([1.5f, 1f])), "Target 1.5 is out of bounds.");
        AssertThrows(() => F.CrossEntropy(Z(2, 10), T([float.NaN, 1f])), "Target NaN is out of bounds.");
    }

    // ---- devices ------------------------------------------------------------------------------------------

    /// <summary>A device other than the one under test: the CPU for an accelerator, else the first accelerator present.</summary>
    private Device OtherDevice()
    {
        if (!Device.Equals(Device.Cpu)) return Device.Cpu;
        var accelerator = Kernels.Accelerators.Probe().SelectMany(r => r.Devices).FirstOrDefault(d => d.Name != "cpu");
        if (accelerator is null) Assert.Ignore("no accelerator here to mix with the CPU");
        return Device.For(accelerator);
    }

    // PyTorch (on CUDA) for a model on the GPU given a CPU input: net(x) with nn.Linear gives "... cuda:0 and cpu!";
    // the weight's device comes first, then the input's, and an element-wise op names a's device before b's.
    [Test]
    public void TensorsOnTwoDevices()
    {
        var other = OtherDevice();
        string Both(Device first, Device second) =>
            $"Expected all tensors to be on the same device, but found at least two devices, {first.Name} and {second.Name}!";
        var x = Tensor.Zeros([1, 1, 4, 4], other);
        AssertThrows(() => new Conv2d(1, 2, 3).To(Device).Forward(x), Both(Device, other));
        AssertThrows(() => new Linear(16, 2).To(Device).Forward(x.Reshape(1, 16)), Both(Device, other));
        AssertThrows(() => _ = Z(1, 1, 4, 4) + x, Both(Device, other));
        AssertThrows(() => _ = x * Z(1, 1, 4, 4), Both(other, Device));
        AssertThrows(() => Z(2, 16).Matmul(x.Reshape(16, 1)), Both(Device, other));
        AssertThrows(() => F.CrossEntropy(Z(2, 10), Tensor.Zeros([2], other)), Both(Device, other));
        AssertThrows(() => F.Conv2d(Z(1, 1, 4, 4), Z(2, 1, 3, 3), Tensor.Zeros([2], other)), Both(Device, other));
    }

    // ---- state dicts ------------------------------------------------------------------------------------

    // nn.Sequential(nn.Conv2d(1, 6, 5), nn.Sigmoid(), nn.Linear(4, 2)) in the Python lines below.
    private Sequential Net() => (Sequential)new Sequential(new Conv2d(1, 6, 5), new Sigmoid(), new Linear(4, 2)).To(Device);

    private static Dictionary<string, Tensor> StateOf(Module m) => m.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value);

    private const string LoadPrefix = "Error(s) in loading state_dict for Sequential: ";

    [Test]
    public void LoadStateDictMissingKeys()
    {
        // sd = m.state_dict(); del sd['2.bias']; del sd['0.weight']; m.load_state_dict(sd) →
        // 'Error(s) in loading state_dict for Sequential:\n\tMissing key(s) in state_dict: "0.weight", "2.bias". '
        var net = Net();
        var state = StateOf(net);
        state.Remove("2.bias");
        state.Remove("0.weight");
        AssertThrows(() => net.LoadStateDict(state), LoadPrefix + "Missing key(s) in state_dict: \"0.weight\", \"2.bias\".");
    }

    [Test]
    public void LoadStateDictUnexpectedKeys()
    {
        // sd['5.weight'] = z(1) → '...:\n\tUnexpected key(s) in state_dict: "5.weight". '
        var net = Net();
        var state = StateOf(net);
        state["5.weight"] = Z(1);
        AssertThrows(() => net.LoadStateDict(state), LoadPrefix + "Unexpected key(s) in state_dict: \"5.weight\".");
    }

    [Test]
    public void LoadStateDictSizeMismatch()
    {
        // sd['2.weight'] = z(2, 5) → '...:\n\tsize mismatch for 2.weight: copying a param with shape torch.Size([2, 5]) from checkpoint, the shape in current model is torch.Size([2, 4]).'
        var net = Net();
        var state = StateOf(net);
        state["2.weight"] = Z(2, 5);
        AssertThrows(() => net.LoadStateDict(state),
            LoadPrefix + "size mismatch for 2.weight: copying a param with shape torch.Size([2, 5]) from checkpoint, the shape in current model is torch.Size([2, 4]).");
    }

    [Test]
    public void LoadStateDictListsEveryProblemAndChangesNothing()
    {
        var net = Net();
        var before = net.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
        var state = StateOf(net).ToDictionary(kv => kv.Key, kv => Tensor.OnesLike(kv.Value));
        state.Remove("0.bias");
        state["9.weight"] = Z(1);
        state["0.weight"] = Z(6, 1, 3, 3);
        var ex = Assert.Throws<ConvEngineException>(() => net.LoadStateDict(state));
        Assert.That(ex!.Message, Does.StartWith(LoadPrefix).And.Contain("\"0.bias\"").And.Contain("\"9.weight\"").And.Contain("0.weight").And.Not.Contain("\n"));
        foreach (var (name, value) in net.StateDict())
            Assert.That(value.ToArray(), Is.EqualTo(before[name]), $"{name} changed by a failed load");
    }
}
