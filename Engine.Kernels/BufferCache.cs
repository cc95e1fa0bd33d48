namespace ConvEngine.Kernels;

/// <summary>
/// The caching allocator every backend shares: memory handed back by disposed buffers waits here, keyed by
/// its exact length, for the next allocation of that length. A training step allocates the same shapes
/// every time, so after the first step it allocates nothing. Thread-safe: data loaders allocate on their
/// own threads. <typeparamref name="TMemory"/> is the native memory (float[], a cl_mem handle, a device pointer).
/// </summary>
public sealed class BufferCache<TMemory> where TMemory : class
{
    private readonly Dictionary<int, Stack<TMemory>> _free = [];
    private readonly Lock _sync = new();
    private readonly long _capacityBytes;
    private long _inUse, _cached, _peak;

    /// <summary>A cache keeping at most <paramref name="capacityBytes"/> of returned memory; beyond it memory is freed.</summary>
    public BufferCache(long capacityBytes) => _capacityBytes = capacityBytes;

    /// <summary>Current accounting.</summary>
    public MemoryStats Stats
    {
        get
        {
            lock (_sync) return new(_inUse, _cached, _peak);
        }
    }

    /// <summary>Memory of <paramref name="length"/> floats from the cache, or null when none is waiting; counted as in use either way.</summary>
    public TMemory? Take(int length)
    {
        lock (_sync)
        {
            long bytes = 4L * length;
            _inUse += bytes;
            _peak = Math.Max(_peak, _inUse);
            if (!_free.TryGetValue(length, out var stack) || stack.Count == 0) return null;
            _cached -= bytes;
            return stack.Pop();
        }
    }

    /// <summary>
    /// Takes back the memory of a disposed buffer. Returns false when the cache is full: the caller frees it.
    /// </summary>
    public bool Return(int length, TMemory memory)
    {
        lock (_sync)
        {
            long bytes = 4L * length;
            _inUse -= bytes;
            if (_cached + bytes > _capacityBytes) return false;
            if (!_free.TryGetValue(length, out var stack)) _free[length] = stack = new Stack<TMemory>();
            stack.Push(memory);
            _cached += bytes;
            return true;
        }
    }

    /// <summary>
    /// Takes <paramref name="length"/> floats out of the in-use count without caching them: a buffer dropped
    /// without disposal was collected, or the fresh allocation after a <see cref="Take"/> failed.
    /// </summary>
    public void Forget(int length)
    {
        lock (_sync) _inUse -= 4L * length;
    }

    /// <summary>Empties the cache, handing each memory block to <paramref name="free"/>.</summary>
    public void Clear(Action<TMemory> free)
    {
        List<TMemory> blocks;
        lock (_sync)
        {
            blocks = _free.Values.SelectMany(s => s).ToList();
            _free.Clear();
            _cached = 0;
        }
        foreach (var block in blocks) free(block);
    }
}
