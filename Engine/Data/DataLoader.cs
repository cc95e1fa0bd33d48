namespace ConvEngine.Data;

/// <summary>
/// Batches of a dataset, as PyTorch's <c>DataLoader</c>: fixed batch size with a smaller last batch,
/// optional shuffling that is reproducible from the seed (a new order each epoch), and the next batch
/// prepared on a worker thread while the current one trains, so a training step never waits on data.
/// Images come as (n, 1, H, W) float32 in [0, 1], labels as (n) floats, on <see cref="Device"/>.
/// </summary>
public sealed class DataLoader
{
    private readonly ImageDataset _dataset;
    private readonly Random? _shuffle;

    /// <summary>Creates the loader; <paramref name="shuffle"/> draws each epoch's order from <paramref name="seed"/>.</summary>
    public DataLoader(ImageDataset dataset, int batchSize, bool shuffle = false, int seed = 0, Device? device = null)
    {
        if (batchSize <= 0) throw new ConvEngineException($"batch_size should be a positive integer value, but got batch_size={batchSize}");
        _dataset = dataset;
        BatchSize = batchSize;
        _shuffle = shuffle ? new Random(seed) : null;
        Device = device ?? Device.Cpu;
    }

    /// <summary>Images per batch (the last one may hold fewer).</summary>
    public int BatchSize { get; }

    /// <summary>Where the batches are placed.</summary>
    public Device Device { get; }

    /// <summary>Batches per epoch.</summary>
    public int Count => (_dataset.Count + BatchSize - 1) / BatchSize;

    /// <summary>
    /// One epoch of batches: images (n, 1, H, W) as floats in [0, 1] and labels (n) as floats, n =
    /// <see cref="BatchSize"/> except in the last batch. Call once per epoch; shuffled loaders use a fresh order each time.
    /// </summary>
    public IEnumerable<(Tensor Images, Tensor Labels)> Epoch()
    {
        var order = Enumerable.Range(0, _dataset.Count).ToArray();
        _shuffle?.Shuffle(order);
        return Batches(order);
    }

    private IEnumerable<(Tensor Images, Tensor Labels)> Batches(int[] order)
    {
        Task<(Tensor, Tensor)> Prepare(int b) => Task.Run(() =>
        {
            var (x, y) = _dataset.Batch(order.AsSpan(b * BatchSize, Math.Min(BatchSize, order.Length - b * BatchSize)));
            return (x.To(Device), y.To(Device));
        });
        if (Count == 0) yield break;
        var next = Prepare(0);
        for (int b = 0; b < Count; b++)
        {
            var current = next.GetAwaiter().GetResult();
            if (b + 1 < Count) next = Prepare(b + 1);
            yield return current;
        }
    }
}
