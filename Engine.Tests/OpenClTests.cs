using ConvEngine.Kernels;
using ConvEngine.Kernels.Dialect;
using ConvEngine.Kernels.KernelSources;
using ConvEngine.Kernels.OpenCl;
using ConvEngine.Kernels.OpenCl.Native;
using ConvEngine.Samples.Commands;

namespace ConvEngine.Tests;

/// <summary>
/// What is particular to the OpenCL backend: compiler errors with their build log, status codes by name, the
/// device list and <c>--device</c> parsing, the "unavailable" reasons, device faults named with the device, and
/// that tensors never silently mix devices. Tests that need a device skip, with the probe's reason, where there is none.
/// </summary>
[TestFixture]
public sealed class OpenClTests
{
    private static OpenClBackend RequireDevice()
    {
        if (OpenClDiscovery.Devices.Count == 0) Assert.Ignore($"opencl unavailable: {OpenClDiscovery.UnavailableReason}");
        return OpenClDiscovery.Devices[0];
    }

    // ---- compiling -----------------------------------------------------------------------------------------

    [Test]
    public void BuildError_NamesTheCallCodeAndDevice_AndCarriesTheLog()
    {
        var device = RequireDevice();
        string broken = KernelSource.Read("prelude.opencl.h") + "\nKERNEL void broken(GLOBAL float* x) { x[0] = no_such_variable; }\n";
        var e = Assert.Throws<OpenClException>(() => device.Build(broken, ""))!;
        Assert.That(e.Message, Does.StartWith($"clBuildProgram failed: CL_BUILD_PROGRAM_FAILURE on {device.Name} ({device.DeviceName})\n"));
        Assert.That(e.CompilerLog, Does.Contain("no_such_variable"));
        Assert.That(e.Message, Does.Contain(e.CompilerLog!.Trim()));
        Assert.That((e.Function, e.CodeName), Is.EqualTo(("clBuildProgram", "CL_BUILD_PROGRAM_FAILURE")));
        Assert.That(e, Is.InstanceOf<ConvEngineException>());
    }

    [Test]
    public void EveryKernelFamily_CompilesInEveryTileVariant()
    {
        var device = RequireDevice();
        foreach (string family in KernelSource.Families)
        {
            string source = KernelSource.Program(family, "prelude.opencl.h");
            var variants = source.Contains("tiled_product.inc") ? TilePlan.Variants(false).Concat(TilePlan.Variants(true)).Select(v => v.Defines) : [""];
            foreach (string defines in variants)
                Assert.DoesNotThrow(() => device.Build(source, defines).Dispose(), $"{family} {defines}");
        }
    }

    [Test]
    public void KernelSources_ResolveIncludesAndMapEveryOpCode()
    {
        string source = KernelSource.Program("conv2d", "prelude.opencl.h");
        Assert.That(source, Does.Not.Contain("#include"));
        Assert.That(source, Does.Contain("#line 1 \"tiled_product.inc\"").And.Contain("#line 1 \"tree.h\""));
        string ops = KernelSource.Program("elementwise", "prelude.cuda.h");
        Assert.That(ops, Does.Contain("#define KERNEL extern \"C\" __global__"));
        Assert.That(ops, Does.Contain($"#define UNARY_POW_SCALAR {(int)UnaryOp.PowScalar}\n").And.Contain($"#define BINARY_GE {(int)BinaryOp.Ge}\n"));
        foreach (var op in Enum.GetNames<UnaryOp>().Select(n => "UNARY_" + string.Concat(n.Select((ch, i) => i > 0 && char.IsUpper(ch) ? "_" + ch : ch.ToString())).ToUpperInvariant()))
            Assert.That(ops, Does.Contain($"case {op}:"), $"elementwise.k handles {op}");
    }

    // ---- status codes and faults ---------------------------------------------------------------------------

    [TestCase(-54, "CL_INVALID_WORK_GROUP_SIZE")]
    [TestCase(-11, "CL_BUILD_PROGRAM_FAILURE")]
    [TestCase(-4, "CL_MEM_OBJECT_ALLOCATION_FAILURE")]
    [TestCase(-1001, "CL_PLATFORM_NOT_FOUND_KHR")]
    [TestCase(-9999, "CL error -9999")]
    public void StatusCodes_HaveCl_hsNames(int status, string name) => Assert.That(ClStatus.Name(status), Is.EqualTo(name));

    [Test]
    public void StatusException_IsOneLineNamingCallCodeAndDevice() =>
        Assert.That(new OpenClException("clEnqueueNDRangeKernel", -5, "opencl:1 (Some GPU)").Message,
            Is.EqualTo("clEnqueueNDRangeKernel failed: CL_OUT_OF_RESOURCES on opencl:1 (Some GPU)"));

    [Test]
    public void AFailingLaunch_IsAnExceptionNamingKernelCodeAndDevice()
    {
        var device = RequireDevice();
        using var x = device.NewBuffer(4);
        // A work-group larger than any device allows.
        var e = Assert.Throws<OpenClException>(() => device.Launch("elementwise", "", "unary", new NdRange([1 << 20, 1, 1], [1 << 20, 1, 1]),
            KernelArg.Buffer(x), KernelArg.Buffer(x), 4, (int)UnaryOp.Neg, 0f))!;
        Assert.That(e.Message, Does.Match($@"^clEnqueueNDRangeKernel\(unary\) failed: CL_INVALID_WORK_(GROUP|ITEM)_SIZE on {device.Name} \("));
    }

    [Test]
    public void AnAllocationPastTheLargestBuffer_IsOutOfMemoryNamingDeviceBytesAskedAndFree()
    {
        var device = RequireDevice();
        const long asked = 4L * int.MaxValue;
        if ((ulong)asked <= device.MaxAllocationBytes) Assert.Ignore("the device could hold 2^31 floats in one buffer");
        var e = Assert.Throws<OutOfDeviceMemoryException>(() => device.Allocate(int.MaxValue))!;
        Assert.That((e.Device, e.RequestedBytes), Is.EqualTo(($"{device.Name} ({device.DeviceName})", asked)));
        Assert.That(e.FreeBytes, Is.InRange(0, (long)device.GlobalMemoryBytes));
        Assert.That(e.Message, Is.EqualTo(
            $"out of memory on {device.Name} ({device.DeviceName}): tried to allocate 8.00 GiB (8589934588 bytes) "
            + $"with {DeviceErrors.FormatBytes(e.FreeBytes)} ({e.FreeBytes} bytes) free; the device's largest allocation is "
            + $"{DeviceErrors.FormatBytes((long)device.MaxAllocationBytes)} ({device.MaxAllocationBytes} bytes)"));
    }

    [Test]
    public void FreeBytes_CountLiveAndCachedBuffers()
    {
        var device = RequireDevice();
        // Buffers other tests dropped are released by finalizers; let them run first so the counts below are ours alone.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        device.EmptyCache();
        long before = device.FreeBytes;
        Assert.That(before, Is.InRange(1, (long)device.GlobalMemoryBytes));
        using (device.AllocateUninitialized(1 << 20))
            Assert.That(device.FreeBytes, Is.EqualTo(before - (4L << 20)));
        Assert.That(device.FreeBytes, Is.EqualTo(before - (4L << 20)), "a disposed buffer waits in the cache, still held");
        device.EmptyCache();
        Assert.That(device.FreeBytes, Is.EqualTo(before));
    }

    [Test]
    public void Allocate_ZeroFills_AndEmptyBuffersWork()
    {
        var device = RequireDevice();
        var buffer = device.Allocate(1000);
        var data = Enumerable.Repeat(1f, 1000).ToArray();
        device.Download(buffer, 0, data);
        Assert.That(data, Is.All.EqualTo(0f));
        var empty = device.Allocate(0);
        device.Upload([], empty);
        device.Download(empty, 0, []);
        device.Fill(empty, 0, 0, 1f);
        Assert.That(empty.Length, Is.Zero);
    }

    // ---- devices -------------------------------------------------------------------------------------------

    [Test]
    public void Probe_ListsEveryDeviceOfEveryPlatform_NumberedInOrder()
    {
        var report = Accelerators.Probe().Single(r => r.Kind == "opencl");
        Assert.That(report.Devices, Is.EqualTo(OpenClDiscovery.Platforms.SelectMany(p => p.Devices)));
        Assert.That(report.Devices.Select(d => d.Name), Is.EqualTo(report.Devices.Select((_, i) => $"opencl:{i}")));
        Assert.That(Accelerators.Probe(), Is.SameAs(Accelerators.Probe()), "probed once");
        if (report.Devices.Count == 0) Assert.That(report.UnavailableReason, Is.Not.Empty);
    }

    [Test]
    public void DevicesCommand_ShowsPlatformsWithVersionAndDevicesWithComputeUnitsAndMemory()
    {
        var device = RequireDevice();
        using var output = new StringWriter();
        DevicesCommand.Run(output);
        string text = output.ToString();
        Assert.That(text, Does.Contain("opencl:\n  platform 0: "));
        Assert.That(text, Does.Contain(OpenClDiscovery.Platforms[0].Version));
        Assert.That(text, Does.Match($@"(?m)^    {device.Name}: {System.Text.RegularExpressions.Regex.Escape(device.DeviceName)} \((CPU|GPU|accelerator|custom)\), .*, \d+ compute units, \d+\.\d GiB$"));
    }

    [Test]
    public void Parse_OpenClNames()
    {
        var device = RequireDevice();
        Assert.That(Device.Parse("opencl").Backend, Is.SameAs(device));
        Assert.That(Device.Parse("OpenCL:0"), Is.SameAs(Device.Parse("opencl")));
        int count = OpenClDiscovery.Devices.Count;
        Assert.That(() => Device.Parse($"opencl:{count}"), Throws.TypeOf<ConvEngineException>().With.Message.EqualTo(
            $"device 'opencl:{count}' is unavailable: there {(count == 1 ? "is 1 device" : $"are {count} devices")} of kind opencl ({string.Join(", ", OpenClDiscovery.Devices.Select(d => d.Name))})"));
        Assert.That(() => Device.Parse("opencl:x"), Throws.TypeOf<ConvEngineException>().With.Message.EqualTo("Invalid device string: 'opencl:x'"));
    }

    [Test]
    public void Auto_PrefersAnOpenClGpu_NeverAnOpenClCpuDevice()
    {
        var gpu = OpenClDiscovery.Devices.FirstOrDefault(d => d.IsGpu);
        Assert.That(Device.Parse("auto").Backend, Is.SameAs(gpu ?? (IBackend)Device.Cpu.Backend));
    }

    [Test]
    public void UnavailableReasons_SayWhatIsMissingAndHowToInstallIt()
    {
        Assert.That(OpenClDiscovery.ReasonFor(new DllNotFoundException("libOpenCL.so.1: cannot open shared object file")),
            Is.EqualTo("libOpenCL.so.1 not found (apt-get install ocl-icd-libopencl1 pocl-opencl-icd)"));
        Assert.That(OpenClDiscovery.ReasonFor(new OpenClException("clGetPlatformIDs", ClStatus.PlatformNotFoundKhr, null)),
            Does.StartWith("no OpenCL platform: ").And.Contain("apt-get install pocl-opencl-icd"));
        Assert.That(OpenClDiscovery.ReasonFor(new OpenClException("clGetDeviceInfo", -30, null)),
            Is.EqualTo("clGetDeviceInfo failed: CL_INVALID_VALUE"));
    }

    // ---- tensors -------------------------------------------------------------------------------------------

    [Test]
    public void MixingDevices_IsPyTorchsError()
    {
        var device = Device.For(RequireDevice());
        var there = Tensor.Ones([2, 2], device);
        var here = Tensor.Ones(2, 2);
        Assert.That(() => here + there, Throws.TypeOf<ConvEngineException>().With.Message.EqualTo(
            $"Expected all tensors to be on the same device, but found at least two devices, cpu and {device.Name}!"));
        Assert.That(() => device.Backend.Unary(UnaryOp.Neg, Device.Cpu.Backend.Allocate(4), device.Backend.Allocate(4), 4), Throws.TypeOf<ConvEngineException>()
            .With.Message.EqualTo($"Expected all tensors to be on the same device, but found at least two devices, cpu and {device.Name}!"));
    }

    // The d2l demos (and learn-kernel's seeded training) print the same numbers on opencl:0 as on the CPU.
    [TestCase("corr2d")]
    [TestCase("edges")]
    [TestCase("channels")]
    [TestCase("padding-stride")]
    [TestCase("pooling")]
    [TestCase("learn-kernel")]
    [TestCase("learn-kernel --bias")]
    public void Demos_PrintWhatTheyPrintOnTheCpu(string command)
    {
        var device = RequireDevice();
        string Run(string name)
        {
            using var output = new StringWriter();
            using var error = new StringWriter();
            int exitCode = Samples.Program.Run([.. command.Split(' '), "--device", name], output, error);
            Assert.That(exitCode, Is.Zero, error.ToString());
            return output.ToString();
        }
        Assert.That(Run(device.Name).Replace($", device='{device.Name}'", ""), Is.EqualTo(Run("cpu")));
    }

    [Test]
    public void TensorsStayOnTheDevice_AndPrintTheirDevice()
    {
        var device = Device.For(RequireDevice());
        var x = Tensor.FromArray(new float[,] { { 1, -2 }, { 3, -4 } }).To(device).RequiresGrad_();
        var y = (x.Relu() * 2f).Sum();
        y.Backward();
        Assert.That((y.Device, x.Grad!.Device), Is.EqualTo((device, device)));
        Assert.That(y.ToString(), Is.EqualTo($"tensor(8., device='{device.Name}', grad_fn=<SumBackward0>)"));
        Assert.That(x.Grad.ToArray(), Is.EqualTo(new[] { 2f, 0f, 2f, 0f }));
    }
}
