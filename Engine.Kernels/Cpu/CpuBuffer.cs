namespace ConvEngine.Kernels.Cpu;

/// <summary>CPU memory: a managed float array, released by the garbage collector.</summary>
internal sealed class CpuBuffer : DeviceBuffer
{
    public CpuBuffer(IBackend backend, int length) : base(backend, length) => Data = new float[length];

    /// <summary>The elements.</summary>
    public float[] Data { get; }

    public override void Dispose() { }
}
