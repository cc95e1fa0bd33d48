using System.Collections.Concurrent;
using ConvEngine.Kernels;
using ConvEngine.Kernels.Cpu;
using ConvEngine.Kernels.OpenCl;

namespace ConvEngine;

/// <summary>
/// Where a tensor's memory lives and where its operations run: <c>cpu</c>, <c>opencl:N</c>, <c>cuda:N</c>.
/// A device wraps one backend of <see cref="Kernels"/>; tensors on different devices never mix.
/// </summary>
public sealed class Device : IEquatable<Device>
{
    // One Device per backend, so that parsing the same name twice gives the same object.
    private static readonly ConcurrentDictionary<IBackend, Device> ByBackend = new(ReferenceEqualityComparer.Instance);

    private Device(IBackend backend) => Backend = backend;

    /// <summary>The managed CPU backend, always present.</summary>
    public static Device Cpu { get; } = For(CpuBackend.Instance);

    /// <summary>The backend running this device's kernels.</summary>
    public IBackend Backend { get; }

    /// <summary>The device name as users write it (<c>cpu</c>, <c>opencl:0</c>).</summary>
    public string Name => Backend.Name;

    /// <summary>The device of <paramref name="backend"/>.</summary>
    public static Device For(IBackend backend) => ByBackend.GetOrAdd(backend, b => new Device(b));

    /// <summary>
    /// Resolves a user's device choice: <c>cpu</c>, <c>opencl</c> (= <c>opencl:0</c>), <c>opencl:N</c>, <c>cuda</c>,
    /// <c>cuda:N</c>, or <c>auto</c>: a CUDA device, else an OpenCL GPU, else the CPU (an OpenCL CPU device such as
    /// PoCL is never chosen automatically: the managed CPU backend is the better use of the same cores).
    /// An accelerator that is not available is a <see cref="ConvEngineException"/> saying why.
    /// </summary>
    public static Device Parse(string spec)
    {
        string s = spec.Trim().ToLowerInvariant();
        if (s is "cpu" or "cpu:0") return Cpu;
        if (s == "auto") return Auto();
        string[] parts = s.Split(':');
        var report = Accelerators.Probe().FirstOrDefault(r => r.Kind == parts[0])
            ?? throw new ConvEngineException($"Expected one of cpu, cuda, opencl, auto device type at start of device string: {spec}");
        if (parts.Length > 2 || (parts.Length == 2 && !int.TryParse(parts[1], out _)))
            throw new ConvEngineException($"Invalid device string: '{spec}'");
        int index = parts.Length == 2 ? int.Parse(parts[1]) : 0;
        if (report.Devices.Count == 0)
            throw new ConvEngineException($"device '{spec}' is unavailable: {report.UnavailableReason ?? "no such device"}");
        if (index < 0 || index >= report.Devices.Count)
            throw new ConvEngineException(
                $"device '{spec}' is unavailable: there {(report.Devices.Count == 1 ? "is 1 device" : $"are {report.Devices.Count} devices")} "
                + $"of kind {report.Kind} ({string.Join(", ", report.Devices.Select(d => d.Name))})");
        return For(report.Devices[index]);
    }

    // CUDA first, then an OpenCL GPU, then the CPU backend.
    private static Device Auto()
    {
        var reports = Accelerators.Probe();
        var cuda = reports.Where(r => r.Kind == "cuda").SelectMany(r => r.Devices).FirstOrDefault();
        var gpu = reports.Where(r => r.Kind == "opencl").SelectMany(r => r.Devices).OfType<OpenClBackend>().FirstOrDefault(d => d.IsGpu);
        return For(cuda ?? gpu ?? (IBackend)CpuBackend.Instance);
    }

    /// <inheritdoc/>
    public bool Equals(Device? other) => other is not null && ReferenceEquals(Backend, other.Backend);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Device);

    /// <inheritdoc/>
    public override int GetHashCode() => Backend.GetHashCode();

    /// <inheritdoc/>
    public override string ToString() => Name;
}
