using ConvEngine.Kernels;
using ConvEngine.Kernels.Cpu;

namespace ConvEngine;

/// <summary>
/// Where a tensor's memory lives and where its operations run: <c>cpu</c>, <c>opencl:N</c>, <c>cuda:N</c>.
/// A device wraps one backend of <see cref="Kernels"/>; tensors on different devices never mix.
/// </summary>
public sealed class Device : IEquatable<Device>
{
    private Device(IBackend backend) => Backend = backend;

    /// <summary>The managed CPU backend, always present.</summary>
    public static Device Cpu { get; } = new(CpuBackend.Instance);

    /// <summary>The backend running this device's kernels.</summary>
    public IBackend Backend { get; }

    /// <summary>The device name as users write it (<c>cpu</c>, <c>opencl:0</c>).</summary>
    public string Name => Backend.Name;

    /// <summary>
    /// Resolves a user's device choice: <c>cpu</c>, <c>opencl</c>, <c>opencl:N</c>, <c>cuda</c>, <c>cuda:N</c>, or
    /// <c>auto</c> (CUDA, then an OpenCL GPU, then the CPU). An accelerator that is not available is a
    /// <see cref="ConvEngineException"/> saying why.
    /// </summary>
    public static Device Parse(string spec)
    {
        string s = spec.Trim().ToLowerInvariant();
        if (s is "cpu" or "cpu:0" or "auto") return Cpu;
        string kind = s.Split(':')[0];
        foreach (var report in Accelerators.Probe())
            if (report.Kind == kind)
                throw new ConvEngineException($"device '{spec}' is unavailable: {report.UnavailableReason ?? "no such device"}");
        throw new ConvEngineException($"Expected one of cpu, cuda, opencl, auto device type at start of device string: {spec}");
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
