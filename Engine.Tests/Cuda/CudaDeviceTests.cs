using ConvEngine.Kernels;
using ConvEngine.Kernels.Cuda;
using ConvEngine.Kernels.Cuda.Native;
using ConvEngine.Kernels.Dialect;
using ConvEngine.Kernels.KernelSources;

namespace ConvEngine.Tests.Cuda;

/// <summary>
/// What is particular to the CUDA backend on a real device (cuda:0): NVRTC compiles every family in every tile
/// variant, a compile error carries NVRTC's log, the PTX disk cache spares the second compile, launch and memory
/// faults name the kernel or the bytes and the device, and buffers start zeroed. Skipped, with the probe's reason,
/// where there is no CUDA device; the op families themselves are compared with the CPU backend by
/// AcceleratorAgreementTests and the golden and other per-backend suites.
/// </summary>
[TestFixture]
public sealed class CudaDeviceTests
{
    private CudaBackend _device = null!;

    [OneTimeSetUp]
    public void FindDevice()
    {
        if (CudaDiscovery.Devices.Count == 0) Assert.Ignore($"cuda unavailable: {CudaDiscovery.UnavailableReason}");
        _device = CudaDiscovery.Devices[0];
    }

    [Test]
    public void CompileError_NamesTheCallAndDevice_AndCarriesNvrtcsLog()
    {
        // A fresh comment each run, so the source is never in the disk cache.
        string broken = KernelSource.Read("prelude.cuda.h") + $"\n// {Guid.NewGuid()}\nKERNEL void broken(GLOBAL float* x) {{ x[0] = no_such_variable; }}\n";
        var e = Assert.Throws<CudaException>(() => _device.LoadModule(broken, "broken.cu", ""))!;
        Assert.That(e.Message, Does.StartWith($"nvrtcCompileProgram failed: NVRTC_ERROR_COMPILATION on {_device.Name} ({_device.DeviceName})\n"));
        Assert.That(e.CompilerLog, Does.Contain("no_such_variable"));
        Assert.That((e.Function, e.CodeName), Is.EqualTo(("nvrtcCompileProgram", "NVRTC_ERROR_COMPILATION")));
    }

    [Test]
    public void EveryKernelFamily_CompilesAndLoadsInEveryTileVariant()
    {
        foreach (string family in KernelSource.Families)
        {
            string source = KernelSource.Program(family, "prelude.cuda.h");
            var variants = source.Contains("tiled_product.inc") ? TilePlan.Variants(false).Concat(TilePlan.Variants(true)).Select(v => v.Defines) : [""];
            foreach (string defines in variants)
                Assert.DoesNotThrow(() => CuApi.cuModuleUnload(_device.LoadModule(source, family + ".cu", defines)), $"{family} {defines}");
        }
    }

    [Test]
    public void ASecondLoadOfTheSameProgram_ComesFromTheDiskCache()
    {
        string source = KernelSource.Program("optim", "prelude.cuda.h") + $"\n// {Guid.NewGuid()}\n";
        int before = _device.Compilations;
        CuApi.cuModuleUnload(_device.LoadModule(source, "optim.cu", ""));
        CuApi.cuModuleUnload(_device.LoadModule(source, "optim.cu", ""));
        Assert.That(_device.Compilations - before, Is.EqualTo(1), $"compiled once, then read from {PtxDiskCache.DefaultFolder()}");
    }

    [Test]
    public void AFailingLaunch_IsAnExceptionNamingKernelCodeAndDevice()
    {
        using var x = _device.NewBuffer(4);
        // A block of 2048 threads: more than any CUDA device runs.
        var e = Assert.Throws<CudaException>(() => _device.Launch("elementwise", "", "unary", new NdRange([2048, 1, 1], [2048, 1, 1]),
            KernelArg.Buffer(x), KernelArg.Buffer(x), 4, (int)UnaryOp.Neg, 0f))!;
        Assert.That(e.Message, Does.StartWith($"cuLaunchKernel(unary) failed: CUDA_ERROR_INVALID_VALUE").And.EndWith($" on {_device.Name} ({_device.DeviceName})"));
    }

    [Test]
    public void AGridBeyondTheDevicesLimit_IsRefusedNamingTheKernel()
    {
        using var x = _device.NewBuffer(4);
        var e = Assert.Throws<ConvEngineException>(() => _device.Launch("elementwise", "", "unary", new NdRange([1, 70000, 1], [1, 1, 1]),
            KernelArg.Buffer(x), KernelArg.Buffer(x), 4, (int)UnaryOp.Neg, 0f))!;
        Assert.That(e.Message, Does.StartWith("kernel unary needs a grid of (1, 70000, 1) blocks; cuda:0"));
    }

    [Test]
    public void OutOfMemory_NamesTheDeviceTheBytesAskedAndTheBytesFree()
    {
        var held = new List<DeviceBuffer>();
        try
        {
            // 8 GiB at a time until the device is full (plain device memory: a failed cuMemAlloc harms nothing).
            var e = Assert.Throws<OutOfDeviceMemoryException>(() =>
            {
                for (int i = 0; i < 1024; i++) held.Add(_device.AllocateUninitialized(int.MaxValue));
            })!;
            Assert.That(e.Message, Does.Match($@"^out of memory on {_device.Name} \(.*\): tried to allocate 8\.00 GiB \({4L * int.MaxValue} bytes\) "
                + @"with .* \(\d+ bytes\) free; cuMemAlloc_v2 failed: CUDA_ERROR_OUT_OF_MEMORY"));
            Assert.That((e.Device, e.RequestedBytes), Is.EqualTo(($"{_device.Name} ({_device.DeviceName})", 4L * int.MaxValue)));
        }
        finally
        {
            foreach (var buffer in held) buffer.Dispose();
            _device.EmptyCache();
        }
    }

    [Test]
    public void Allocate_ZeroFills_AndEmptyBuffersWork()
    {
        var buffer = _device.Allocate(1000);
        var data = Enumerable.Repeat(1f, 1000).ToArray();
        _device.Download(buffer, 0, data);
        Assert.That(data, Is.All.EqualTo(0f));
        var empty = _device.Allocate(0);
        _device.Upload([], empty);
        _device.Download(empty, 0, []);
        _device.Fill(empty, 0, 0, 1f);
        Assert.That(empty.Length, Is.Zero);
    }

    [Test]
    public void UploadsAndDownloads_AtOffsets_AndFillAndCopyRuns()
    {
        var buffer = _device.Allocate(10);
        _device.Upload([1f, 2f, 3f], buffer, 4);
        _device.Fill(buffer, 0, 2, -1.5f);
        _device.Copy(new StridedView(buffer, 4, [3], [1]), new StridedView(buffer, 7, [3], [1]));
        var data = new float[10];
        _device.Download(buffer, 0, data);
        Assert.That(data, Is.EqualTo(new[] { -1.5f, -1.5f, 0f, 0f, 1f, 2f, 3f, 1f, 2f, 3f }));
        var tail = new float[2];
        _device.Download(buffer, 8, tail);
        Assert.That(tail, Is.EqualTo(new[] { 2f, 3f }));
    }

    [Test]
    public void DescriptionNamesComputeCapabilityMultiprocessorsMemoryDriverAndNvrtc() =>
        Assert.That(_device.Description, Does.Match(
            $@"^{System.Text.RegularExpressions.Regex.Escape(_device.DeviceName)}, compute capability \d+\.\d, \d+ multiprocessors, \d+\.\d GiB, driver CUDA \d+\.\d, NVRTC \d+\.\d$"));
}
