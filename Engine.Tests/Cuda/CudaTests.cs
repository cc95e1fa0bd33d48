using System.Runtime.InteropServices;
using ConvEngine.Kernels;
using ConvEngine.Kernels.Cuda;
using ConvEngine.Kernels.Cuda.Native;
using ConvEngine.Kernels.Dialect;
using ConvEngine.Kernels.KernelSources;
using ConvEngine.Samples.Commands;

namespace ConvEngine.Tests.Cuda;

/// <summary>
/// What is particular to the CUDA backend and can be checked on any machine: result codes by name, exception
/// messages, the "unavailable" reasons (no driver, cuInit's error, no NVRTC with the libraries tried), the device
/// list, <c>devices</c> and <c>--device cuda</c>, NVRTC's options and architecture choice, the PTX disk cache, and
/// the grid of a launch. Where a CUDA device exists the same tests check the available path instead; the tests that
/// need one are in <see cref="CudaDeviceTests"/>.
/// </summary>
[TestFixture]
public sealed class CudaTests
{
    private static AcceleratorReport Report => Accelerators.Probe().Single(r => r.Kind == "cuda");

    // ---- result codes and exceptions -----------------------------------------------------------------------

    [TestCase(0, "CUDA_SUCCESS")]
    [TestCase(2, "CUDA_ERROR_OUT_OF_MEMORY")]
    [TestCase(100, "CUDA_ERROR_NO_DEVICE")]
    [TestCase(222, "CUDA_ERROR_UNSUPPORTED_PTX_VERSION")]
    [TestCase(700, "CUDA_ERROR_ILLEGAL_ADDRESS")]
    [TestCase(719, "CUDA_ERROR_LAUNCH_FAILED")]
    [TestCase(999, "CUDA_ERROR_UNKNOWN")]
    [TestCase(4242, "CUDA error 4242")]
    public void DriverResults_HaveCuda_hsNames(int result, string name) => Assert.That(CuResult.Name(result), Is.EqualTo(name));

    [TestCase(0, "NVRTC_SUCCESS")]
    [TestCase(5, "NVRTC_ERROR_INVALID_OPTION")]
    [TestCase(6, "NVRTC_ERROR_COMPILATION")]
    [TestCase(11, "NVRTC_ERROR_INTERNAL_ERROR")]
    [TestCase(99, "NVRTC error 99")]
    public void NvrtcResults_HaveNvrtc_hsNames(int result, string name) => Assert.That(NvrtcResult.Name(result), Is.EqualTo(name));

    [Test]
    public void ResultException_IsOneLineNamingCallCodeDescriptionAndDevice()
    {
        var e = new CudaException("cuLaunchKernel(gemm)", 700, "CUDA_ERROR_ILLEGAL_ADDRESS", "an illegal memory access was encountered", "cuda:1 (Some GPU)");
        Assert.That(e.Message, Is.EqualTo("cuLaunchKernel(gemm) failed: CUDA_ERROR_ILLEGAL_ADDRESS (an illegal memory access was encountered) on cuda:1 (Some GPU)"));
        Assert.That((e.Function, e.Code, e.CodeName, e.Device), Is.EqualTo(("cuLaunchKernel(gemm)", 700, "CUDA_ERROR_ILLEGAL_ADDRESS", "cuda:1 (Some GPU)")));
        Assert.That(e, Is.InstanceOf<ConvEngineException>());
    }

    [Test]
    public void CheckedResults_ThrowOnlyOnErrors_NamingTheCall()
    {
        Assert.DoesNotThrow(() => CuCheck.Result(CuResult.Success, "cuInit"));
        var e = Assert.Throws<CudaException>(() => CuCheck.Result(CuResult.NoDevice, "cuInit"))!;
        Assert.That(e.Message, Does.StartWith("cuInit failed: CUDA_ERROR_NO_DEVICE"));
        var c = Assert.Throws<CudaException>(() => CuCheck.Nvrtc(NvrtcResult.Compilation, "nvrtcCompileProgram", "cuda:0 (Some GPU)", "gemm.cu(3): error: x\n"))!;
        Assert.That(c.Message, Is.EqualTo("nvrtcCompileProgram failed: NVRTC_ERROR_COMPILATION on cuda:0 (Some GPU)\ngemm.cu(3): error: x"));
        Assert.That(c.CompilerLog, Is.EqualTo("gemm.cu(3): error: x\n"));
    }

    // ---- discovery and the unavailable path ----------------------------------------------------------------

    [Test]
    public void UnavailableReasons_SayWhatIsMissing()
    {
        Assert.That(CudaDiscovery.ReasonFor(new DllNotFoundException("libcuda.so.1: cannot open shared object file")),
            Is.EqualTo("libcuda.so.1 could not be loaded: the NVIDIA driver is not installed"));
        Assert.That(CudaDiscovery.ReasonFor(CuCheck.Error(CuResult.NoDevice, "cuInit", null)), Does.StartWith("cuInit failed: CUDA_ERROR_NO_DEVICE"));
        Assert.That(CudaDiscovery.ReasonFor(new EntryPointNotFoundException("cuDevicePrimaryCtxRelease_v2")),
            Does.StartWith("libcuda.so.1 is older than CUDA 11").And.Contain("cuDevicePrimaryCtxRelease_v2"));
    }

    [Test]
    public void WithoutTheDriver_CudaIsUnavailableBecauseTheDriverIsNotInstalled()
    {
        if (NativeLibrary.TryLoad(CuApi.Library, out nint driver))
        {
            NativeLibrary.Free(driver);
            Assert.Ignore($"{CuApi.Library} is installed here");
        }
        Assert.That(Report.Devices, Is.Empty);
        Assert.That(Report.UnavailableReason, Is.EqualTo("libcuda.so.1 could not be loaded: the NVIDIA driver is not installed"));
    }

    [Test]
    public void Probe_ListsTheDriversDevicesInOrder_OrSaysWhyThereAreNone()
    {
        Assert.That(Report.Devices, Is.EqualTo(CudaDiscovery.Devices));
        Assert.That(Report.Devices.Select(d => d.Name), Is.EqualTo(Report.Devices.Select((_, i) => $"cuda:{i}")));
        Assert.That(Report.UnavailableReason, Is.EqualTo(CudaDiscovery.UnavailableReason));
        Assert.That(Report.Devices.Count == 0, Is.EqualTo(Report.UnavailableReason is { Length: > 0 }), "a reason exactly when there is no device");
    }

    [Test]
    public void NvrtcProbe_TriesEveryCudaReleasesName_AndNamesThemAllWhenNoneLoads()
    {
        Assert.That(NvrtcLibrary.Sonames, Is.EqualTo(new[] { "libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2", "libnvrtc.so.11.1", "libnvrtc.so.11.0", "libnvrtc.so" }));
        var (handle, loaded, failure) = NvrtcLibrary.Probe(["/nonexistent/libnvrtc.so.99", "libnvrtc-not-a-library.so.1"]);
        Assert.That((handle, loaded), Is.EqualTo(((nint)0, (string?)null)));
        Assert.That(failure, Is.EqualTo("NVRTC (CUDA's runtime compiler) not found: tried /nonexistent/libnvrtc.so.99, libnvrtc-not-a-library.so.1; "
            + "install the CUDA toolkit's NVRTC or set CONVENGINE_NVRTC to the path of libnvrtc.so.N"));
    }

    [Test]
    public void NvrtcCandidates_AnExplicitPathFirst_ThenTheSonames_ThenTheToolkitFolders()
    {
        string? before = Environment.GetEnvironmentVariable(NvrtcLibrary.PathVariable);
        try
        {
            Environment.SetEnvironmentVariable(NvrtcLibrary.PathVariable, "/opt/somewhere/libnvrtc.so.12");
            var candidates = NvrtcLibrary.Candidates();
            Assert.That(candidates.Take(7), Is.EqualTo(new[] { "/opt/somewhere/libnvrtc.so.12" }.Concat(NvrtcLibrary.Sonames)));
            Assert.That(candidates, Does.Contain("/usr/local/cuda/lib64/libnvrtc.so.13"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(NvrtcLibrary.PathVariable, before);
        }
    }

    [Test]
    public void DevicesCommand_ShowsCuda()
    {
        using var output = new StringWriter();
        DevicesCommand.Run(output);
        string expected = Report.Devices.Count == 0
            ? $"cuda: unavailable: {Report.UnavailableReason}\n"
            : $"cuda:\n  cuda:0: {Report.Devices[0].Description}\n";
        Assert.That(output.ToString(), Does.Contain(expected));
    }

    [TestCase("cuda")]
    [TestCase("cuda:0")]
    [TestCase("CUDA:1")]
    public void DeviceCuda_IsTheDevice_OrAClearErrorSayingWhyNot(string spec)
    {
        if (Report.Devices.Count == 0)
        {
            Assert.That(() => Device.Parse(spec), Throws.TypeOf<ConvEngineException>()
                .With.Message.EqualTo($"device '{spec}' is unavailable: {Report.UnavailableReason}"));
            return;
        }
        int index = spec.Contains(':') ? int.Parse(spec.Split(':')[1]) : 0;
        if (index < Report.Devices.Count) Assert.That(Device.Parse(spec).Backend, Is.SameAs(Report.Devices[index]));
        else Assert.That(() => Device.Parse(spec), Throws.TypeOf<ConvEngineException>().With.Message.Contains("of kind cuda"));
    }

    [Test]
    public void CliWithDeviceCuda_PrintsOneErrorLineAndExits1_WhenThereIsNone()
    {
        if (Report.Devices.Count > 0) Assert.Ignore("a CUDA device is present");
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exitCode = Samples.Program.Run(["corr2d", "--device", "cuda"], output, error);
        Assert.That(exitCode, Is.EqualTo(1));
        Assert.That(output.ToString(), Is.Empty);
        Assert.That(error.ToString(), Is.EqualTo($"error: device 'cuda' is unavailable: {Report.UnavailableReason}\n"));
    }

    [Test]
    public void Auto_PrefersCuda()
    {
        if (Report.Devices.Count == 0) Assert.Ignore($"cuda unavailable: {Report.UnavailableReason}");
        Assert.That(Device.Parse("auto").Backend, Is.SameAs(Report.Devices[0]));
    }

    // ---- compiling -----------------------------------------------------------------------------------------

    [Test]
    public void NvrtcOptions_TargetTheArchitecture_WithoutContraction_AndDefineTheTilePlan()
    {
        Assert.That(NvrtcCompiler.Options(90, ""), Is.EqualTo(new[] { "--gpu-architecture=compute_90", "--fmad=false" }));
        var plan = TilePlan.For(6, 1000, localTiles: true);
        Assert.That(NvrtcCompiler.Options(86, plan.Defines).Skip(2), Is.EqualTo(new[]
        {
            $"--define-macro=TM={plan.TM}", $"--define-macro=TN={plan.TN}", $"--define-macro=TILE_X={plan.TileX}",
            $"--define-macro=TILE_Y={plan.TileY}", "--define-macro=LOCAL_TILES=1",
        }));
        Assert.That(() => NvrtcCompiler.Options(90, "TM=64"), Throws.ArgumentException);
    }

    [Test]
    public void Architecture_IsTheDevicesOwn_ElseTheNewestOlderOneNvrtcKnows()
    {
        int[] cuda13 = [75, 80, 86, 87, 88, 89, 90, 100, 103, 110, 120, 121];
        Assert.That(NvrtcCompiler.ArchitectureFor(9, 0, cuda13, "cuda:0 (H100)"), Is.EqualTo(90));
        Assert.That(NvrtcCompiler.ArchitectureFor(9, 0, [50, 60, 70, 75, 80, 86, 89], "cuda:0 (H100)"), Is.EqualTo(89), "an older NVRTC: PTX for 8.9, JIT-compiled by the driver");
        Assert.That(NvrtcCompiler.ArchitectureFor(8, 6, null, "cuda:0"), Is.EqualTo(86), "NVRTC before 11.2 cannot list its architectures");
        var e = Assert.Throws<ConvEngineException>(() => NvrtcCompiler.ArchitectureFor(7, 0, cuda13, "cuda:0 (V100)"))!;
        Assert.That(e.Message, Is.EqualTo("cuda:0 (V100) has compute capability 7.0, older than the NVRTC found compiles for (oldest: 7.5); "
            + "use an older CUDA toolkit's NVRTC"));
    }

    [Test]
    public void PtxDiskCache_LivesUnderXdgCacheHome_OneFilePerSourceOptionsCompilerAndArchitecture()
    {
        string? before = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        try
        {
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", "/tmp/xdg-cache");
            Assert.That(PtxDiskCache.DefaultFolder(), Is.EqualTo("/tmp/xdg-cache/convengine/cuda"));
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", null);
            Assert.That(PtxDiskCache.DefaultFolder(), Is.EqualTo(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "convengine", "cuda")));
        }
        finally
        {
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", before);
        }
        var cache = new PtxDiskCache("/tmp/ptx");
        string path = cache.PathFor("source", ["--fmad=false"], "nvrtc 13.0", 90);
        Assert.That(path, Does.Match("^/tmp/ptx/[0-9a-f]{64}-sm_90\\.ptx$"));
        Assert.That(cache.PathFor("source", ["--fmad=false"], "nvrtc 13.0", 90), Is.EqualTo(path));
        Assert.That(new[]
        {
            cache.PathFor("source2", ["--fmad=false"], "nvrtc 13.0", 90), cache.PathFor("source", ["--fmad=true"], "nvrtc 13.0", 90),
            cache.PathFor("source", ["--fmad=false"], "nvrtc 12.8", 90), cache.PathFor("source", ["--fmad=false"], "nvrtc 13.0", 89),
        }, Has.None.EqualTo(path));
    }

    [Test]
    public void PtxDiskCache_KeepsWhatItWrote_AndAnUnwritableFolderIsOnlyNoCache()
    {
        string folder = Path.Combine(Path.GetTempPath(), "convengine-ptx-" + Guid.NewGuid().ToString("N"));
        try
        {
            var cache = new PtxDiskCache(folder);
            string path = cache.PathFor("kernel", [], "nvrtc 13.0", 90);
            Assert.That(PtxDiskCache.TryRead(path), Is.Null);
            Assert.That(cache.TryWrite(path, [1, 2, 3, 0]), Is.True);
            Assert.That(PtxDiskCache.TryRead(path), Is.EqualTo(new byte[] { 1, 2, 3, 0 }));
            Assert.That(Directory.GetFiles(folder), Has.Length.EqualTo(1), "no temporary file left behind");
            string file = Path.Combine(folder, "a-file");
            File.WriteAllText(file, "");
            var blocked = new PtxDiskCache(Path.Combine(file, "cuda")); // a folder inside a file cannot exist
            Assert.That(blocked.TryWrite(blocked.PathFor("kernel", [], "nvrtc 13.0", 90), [1]), Is.False);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void Launches_MapTheOpenClRangeToGridAndBlock()
    {
        var linear = NdRange.Linear(1000, 256);
        Assert.That((linear.Grid, linear.Block), Is.EqualTo(((4, 1, 1), (256, 1, 1))));
        var tiled = NdRange.Groups((3, 2, 5), (16, 16));
        Assert.That((tiled.Grid, tiled.Block), Is.EqualTo(((3, 2, 5), (16, 16, 1))));
    }
}
