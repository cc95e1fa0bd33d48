namespace ConvEngine;

/// <summary>
/// A seedable random source reproducing PyTorch's CPU generator: the same 32-bit Mersenne Twister
/// (mt19937) and the same float conversions, so <c>torch.manual_seed(s)</c> followed by <c>torch.rand</c>,
/// <c>uniform_</c> or <c>randn</c> (16 or more elements) gives the same numbers as
/// <c>new Generator(s)</c> here, and module initialisation matches PyTorch draw for draw.
/// </summary>
public sealed class Generator
{
    private const int StateSize = 624, Shift = 397;
    private readonly uint[] _state = new uint[StateSize];
    private int _next;

    /// <summary>A generator seeded like <c>torch.manual_seed(seed)</c>.</summary>
    public Generator(ulong seed) => ManualSeed(seed);

    /// <summary>The generator used when none is passed; seed it with <see cref="ManualSeed"/>.</summary>
    public static Generator Default { get; } = new(67280421310721UL);

    /// <summary>Restarts the sequence, as <c>torch.manual_seed</c> does (the low 32 bits seed mt19937).</summary>
    public void ManualSeed(ulong seed)
    {
        _state[0] = (uint)seed;
        for (int i = 1; i < StateSize; i++)
            _state[i] = 1812433253u * (_state[i - 1] ^ (_state[i - 1] >> 30)) + (uint)i;
        _next = StateSize;
    }

    /// <summary>The next raw 32-bit draw.</summary>
    public uint NextUInt32()
    {
        if (_next >= StateSize) Twist();
        uint y = _state[_next++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        return y ^ (y >> 18);
    }

    /// <summary>A float in [from, to) exactly as PyTorch's <c>uniform_</c> on float32 draws it (24 random bits).</summary>
    public float NextUniform(float from = 0f, float to = 1f)
    {
        // ATen accumulates in double for float tensors, then rounds once.
        double x = (NextUInt32() & ((1u << 24) - 1)) * (1.0 / (1 << 24));
        return (float)(x * (to - from) + from);
    }

    /// <summary>Fills <paramref name="data"/> with uniform draws in [from, to).</summary>
    public void FillUniform(Span<float> data, float from, float to)
    {
        for (int i = 0; i < data.Length; i++) data[i] = NextUniform(from, to);
    }

    /// <summary>
    /// Fills <paramref name="data"/> with normal draws: PyTorch's vectorised Box–Muller over blocks of 16
    /// uniforms (the last block recomputed from fresh draws). Fewer than 16 elements use the same
    /// transform on one block of fresh draws.
    /// </summary>
    public void FillNormal(Span<float> data, float mean = 0f, float std = 1f)
    {
        if (data.Length < 16)
        {
            Span<float> block = stackalloc float[16];
            FillUniform(block, 0f, 1f);
            NormalFill16(block, mean, std);
            block[..data.Length].CopyTo(data);
            return;
        }
        FillUniform(data, 0f, 1f);
        for (int i = 0; i + 16 <= data.Length; i += 16) NormalFill16(data.Slice(i, 16), mean, std);
        if (data.Length % 16 != 0)
        {
            Span<float> tail = data[^16..];
            FillUniform(tail, 0f, 1f);
            NormalFill16(tail, mean, std);
        }
    }

    // Box–Muller on 8 pairs (u1 = data[j], u2 = data[j + 8]), as ATen's normal_fill_16.
    private static void NormalFill16(Span<float> data, float mean, float std)
    {
        for (int j = 0; j < 8; j++)
        {
            float u1 = 1f - data[j], u2 = data[j + 8];
            float radius = MathF.Sqrt(-2f * MathF.Log(u1));
            float theta = 2f * MathF.PI * u2;
            data[j] = radius * MathF.Cos(theta) * std + mean;
            data[j + 8] = radius * MathF.Sin(theta) * std + mean;
        }
    }

    private void Twist()
    {
        for (int i = 0; i < StateSize; i++)
        {
            uint y = (_state[i] & 0x80000000u) | (_state[(i + 1) % StateSize] & 0x7fffffffu);
            _state[i] = _state[(i + Shift) % StateSize] ^ (y >> 1) ^ ((y & 1u) != 0 ? 0x9908b0dfu : 0u);
        }
        _next = 0;
    }
}
