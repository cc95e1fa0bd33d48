using System.Diagnostics;
using ConvEngine.Kernels.KernelSources;

namespace ConvEngine.Tests.Cuda;

/// <summary>
/// The CUDA side of the kernel dialect, checked without CUDA: every family's program, assembled exactly as the CUDA
/// backend hands it to NVRTC (prelude.cuda.h, the op codes, the .k file with its includes) in every tile variant,
/// must parse and type-check as C++ under g++ against tools/cuda/cuda_mock.h, which declares NVRTC's built-ins
/// (threadIdx, __syncthreads, the float math functions, ...). Warnings count as failures: in device code they are
/// usually bugs. Skipped where no g++ or no repository checkout is at hand (as on a GPU machine running the
/// published tests, where NVRTC itself compiles the same programs).
/// </summary>
[TestFixture]
public sealed class CudaDialectTests
{
    [Test]
    public void EveryFamily_ParsesAsCudaCpp_InEveryTileVariant()
    {
        string mock = MockHeader();
        string compiler = new[] { "/usr/bin/g++", "/usr/bin/clang++" }.FirstOrDefault(File.Exists)
            ?? throw new IgnoreException("no g++ or clang++ at /usr/bin");
        string folder = Directory.CreateTempSubdirectory("convengine-cuda-dialect").FullName;
        try
        {
            var failures = new List<string>();
            foreach (string family in KernelSource.Families)
            {
                string source = KernelSource.Program(family, "prelude.cuda.h");
                var variants = source.Contains("tiled_product.inc")
                    ? TilePlan.Variants(false).Concat(TilePlan.Variants(true)).Select(v => v.Defines)
                    : [""];
                foreach (string defines in variants)
                {
                    string file = Path.Combine(folder, family + ".cu");
                    File.WriteAllText(file, source);
                    string output = Compile(compiler, mock, file, defines, out int exitCode);
                    if (exitCode != 0 || output.Length > 0) failures.Add($"{family} {defines}:\n{output}");
                }
            }
            Assert.That(failures, Is.Empty, string.Join("\n", failures));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void ABrokenKernel_FailsTheCheck()
    {
        string mock = MockHeader();
        string compiler = new[] { "/usr/bin/g++", "/usr/bin/clang++" }.FirstOrDefault(File.Exists)
            ?? throw new IgnoreException("no g++ or clang++ at /usr/bin");
        string file = Path.Combine(Directory.CreateTempSubdirectory("convengine-cuda-dialect").FullName, "broken.cu");
        File.WriteAllText(file, KernelSource.Read("prelude.cuda.h") + "\nKERNEL void broken(GLOBAL float* x) { x[0] = no_such_variable; }\n");
        string output = Compile(compiler, mock, file, "", out int exitCode);
        Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
        Assert.That(exitCode, Is.Not.Zero);
        Assert.That(output, Does.Contain("no_such_variable"));
    }

    // g++ -fsyntax-only with the mock header forced in front; the tile plan's -D options pass through unchanged.
    private static string Compile(string compiler, string mock, string file, string defines, out int exitCode)
    {
        var start = new ProcessStartInfo(compiler) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string arg in new[] { "-fsyntax-only", "-x", "c++", "-std=c++17", "-Wall", "-Wextra", "-include", mock })
            start.ArgumentList.Add(arg);
        foreach (string word in defines.Split(' ', StringSplitOptions.RemoveEmptyEntries)) start.ArgumentList.Add(word);
        start.ArgumentList.Add(file);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        exitCode = process.ExitCode;
        return (stdout.Result + stderr).Trim();
    }

    // tools/cuda/cuda_mock.h of the checkout the tests were built in.
    private static string MockHeader()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tools", "cuda", "cuda_mock.h");
            if (File.Exists(candidate)) return candidate;
        }
        throw new IgnoreException("tools/cuda/cuda_mock.h is not in a folder above the tests (not run from a checkout)");
    }
}
