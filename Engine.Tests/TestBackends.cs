using ConvEngine.Kernels;

namespace ConvEngine.Tests;

/// <summary>
/// The fixture source every backend-agnostic test class uses: one fixture per device found by
/// <see cref="Accelerators.Probe"/>, plus one per accelerator kind that has no device here, which
/// <see cref="BackendFixture"/> skips with the probe's reason (never silently).
/// </summary>
public static class TestBackends
{
    public static IEnumerable<TestFixtureData> Fixtures() => For(Accelerators.Probe());

    /// <summary>The same for the accelerator kinds other than the CPU backend (OpenCL, CUDA), for tests that compare them with it.</summary>
    public static IEnumerable<TestFixtureData> AcceleratorFixtures() => For(Accelerators.Probe().Where(r => r.Kind != "cpu"));

    private static IEnumerable<TestFixtureData> For(IEnumerable<AcceleratorReport> reports)
    {
        foreach (var report in reports)
        {
            if (report.Devices.Count == 0)
                yield return new TestFixtureData(report.Kind).SetArgDisplayNames(report.Kind);
            foreach (var device in report.Devices)
                yield return new TestFixtureData(device.Name).SetArgDisplayNames(device.Name);
        }
    }
}

/// <summary>Base of the tests written once and run on every backend: resolves <see cref="Device"/> or skips with the reason.</summary>
public abstract class BackendFixture(string deviceName)
{
    /// <summary>The device under test.</summary>
    protected Device Device { get; private set; } = Device.Cpu;

    [OneTimeSetUp]
    public void ResolveDevice()
    {
        var report = Accelerators.Probe().First(r => deviceName.StartsWith(r.Kind, StringComparison.Ordinal));
        if (report.Devices.Count == 0) Assert.Ignore($"{report.Kind} unavailable: {report.UnavailableReason}");
        Device = Device.Parse(deviceName);
    }

    /// <summary>A CPU tensor from data and shape, moved to the device under test.</summary>
    protected Tensor T(float[] data, params int[] shape) => Tensor.FromArray(data, shape).To(Device);

    /// <summary>A rectangular CPU array moved to the device under test.</summary>
    protected Tensor T(Array data) => Tensor.FromArray(data).To(Device);
}
