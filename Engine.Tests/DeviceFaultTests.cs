using ConvEngine.Kernels;
using F = ConvEngine.Functional;

namespace ConvEngine.Tests;

/// <summary>
/// Running out of memory on the CPU is a one-line <see cref="OutOfDeviceMemoryException"/> naming the device, the
/// bytes asked for and the bytes free, never the runtime's OutOfMemoryException or an OverflowException; a size past
/// a tensor's element limit is PyTorch's overflow message. (The OpenCL backend's faults are in OpenClTests.)
/// </summary>
[TestFixture]
public class DeviceFaultTests
{
    private const string Overflow = "Storage size calculation overflowed with sizes=";

    [Test]
    public void ElementCountPastTheLimit_IsPyTorchsOverflowMessage()
    {
        void Check(TestDelegate code, string sizes)
        {
            var e = Assert.Throws<ConvEngineException>(code)!;
            Assert.That(e.Message, Is.EqualTo($"{Overflow}{sizes}: a tensor holds at most 2147483647 elements"));
        }
        Check(() => Tensor.Zeros(65536, 65536), "[65536, 65536]");
        Check(() => Tensor.Rand(1 << 30, 2), "[1073741824, 2]");
        Check(() => Tensor.Ones(2147483647, 2147483647, 2147483647), "[2147483647, 2147483647, 2147483647]"); // past even a long
        // Outputs too large for a tensor, from inputs that are not.
        Check(() => Tensor.Zeros(65536, 1).Matmul(Tensor.Zeros(1, 65536)), "[65536, 65536]");
        Check(() => F.Conv2d(Tensor.Zeros(1, 1, 1, 1), Tensor.Zeros(1, 1, 1, 1), padding: 30000), "[1, 1, 60001, 60001]");
        Check(() => Tensor.Zeros(65536).Reshape(65536, 1).Expand(65536, 65536).Contiguous(), "[65536, 65536]");
    }

    [Test]
    public void BufferPastTheLargestArray_IsOutOfMemoryNamingBytesAskedAndFree()
    {
        var e = Assert.Throws<OutOfDeviceMemoryException>(() => Tensor.Zeros(int.MaxValue))!;
        Assert.That((e.Device, e.RequestedBytes), Is.EqualTo(("cpu", 4L * int.MaxValue)));
        Assert.That(e.FreeBytes, Is.InRange(0, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes));
        Assert.That(e.Message, Is.EqualTo(
            $"out of memory on cpu: tried to allocate 8.00 GiB (8589934588 bytes) with {DeviceErrors.FormatBytes(e.FreeBytes)} ({e.FreeBytes} bytes) free; "
            + $"a CPU buffer holds at most {Array.MaxLength} floats"));
    }

    [TestCase(0, "0 bytes")]
    [TestCase(1023, "1023 bytes")]
    [TestCase(1024, "1.00 KiB")]
    [TestCase(160_000_000, "152.59 MiB")]
    [TestCase(8_589_934_588, "8.00 GiB")]
    public void Bytes_AreWrittenAsPyTorchWritesThem(long bytes, string text) => Assert.That(DeviceErrors.FormatBytes(bytes), Is.EqualTo(text));

    // A child process with a 256 MiB GC heap limit: a 400 MB tensor is refused before trying; of two 160 MB tensors
    // the second finds the heap full, and the runtime's OutOfMemoryException becomes the one-line error.
    [TestCase("100000000", "tried to allocate 381.47 MiB (400000000 bytes) with * free; more than the 256.00 MiB this process may use")]
    [TestCase("40000000 40000000", "tried to allocate 152.59 MiB (160000000 bytes) with * free")]
    public void RealOutOfMemory_InAProcessWithAHeapLimit_IsOneLineNamingBytesAskedAndFree(string sizes, string expected)
    {
        using var child = ChildProcess.Start(new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0x10000000" },
            ["allocate", .. sizes.Split(' ')]);
        string last = "";
        for (string line = child.ReadLine(); ; line = child.ReadLine())
        {
            last = line;
            if (line.StartsWith("ConvEngineException: ", StringComparison.Ordinal)) break;
        }
        Assert.That(child.ExitCode(), Is.EqualTo(3), child.StandardError());
        var match = System.Text.RegularExpressions.Regex.Match(last,
            @"^ConvEngineException: out of memory on cpu: (tried to allocate \S+ \S+ \((\d+) bytes\)) with \S+ \S+ \((\d+) bytes\) free(.*)$");
        Assert.That(match.Success, last);
        Assert.That($"{match.Groups[1].Value} with * free{match.Groups[4].Value}", Is.EqualTo(expected));
        Assert.That(long.Parse(match.Groups[3].Value), Is.LessThan(long.Parse(match.Groups[2].Value)), "fewer bytes free than asked for");
    }
}
