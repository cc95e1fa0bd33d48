using ConvEngine.Data;

namespace ConvEngine.Tests.DataTests;

/// <summary>
/// <see cref="DataLoader"/> and <see cref="ImageDataset"/> (issue 3, Data): batch count and the smaller last
/// batch, (n, 1, 28, 28) float32 images in [0, 1], labels kept with their images, seeded shuffling that is
/// reproducible and new each epoch, every image exactly once per epoch.
/// </summary>
[TestFixture]
public class DataLoaderTests
{
    /// <summary>
    /// <paramref name="count"/> 28×28 images that carry their own index: pixel 0 is the index, pixel 1 is
    /// always 255, pixel 2 always 0, pixel 3 always 128, the rest a pattern of the index; label = index % 10.
    /// </summary>
    private static ImageDataset Numbered(int count)
    {
        var pixels = new byte[count * 784];
        var labels = new byte[count];
        for (int i = 0; i < count; i++)
        {
            var image = pixels.AsSpan(i * 784, 784);
            for (int k = 4; k < 784; k++) image[k] = (byte)((i * 31 + k * 7) % 256);
            image[0] = (byte)i;
            image[1] = 255;
            image[2] = 0;
            image[3] = 128;
            labels[i] = (byte)(i % 10);
        }
        return new ImageDataset(pixels, labels, 28, 28);
    }

    /// <summary>The image indices of one epoch, batch by batch (read back from pixel 0).</summary>
    private static List<int[]> EpochIndices(DataLoader loader) =>
        loader.Epoch().Select(batch =>
        {
            var pixels = batch.Images.ToArray();
            int n = batch.Images.Shape[0];
            return Enumerable.Range(0, n).Select(i => (int)MathF.Round(pixels[i * 784] * 255f)).ToArray();
        }).ToList();

    [TestCase(10, 4, new[] { 4, 4, 2 })]
    [TestCase(8, 4, new[] { 4, 4 })]
    [TestCase(5, 256, new[] { 5 })]
    [TestCase(7, 1, new[] { 1, 1, 1, 1, 1, 1, 1 })]
    public void Epoch_BatchCountAndTheSmallerLastBatch(int count, int batchSize, int[] sizes)
    {
        var loader = new DataLoader(Numbered(count), batchSize);

        var batches = loader.Epoch().ToList();

        Assert.That(loader.Count, Is.EqualTo(sizes.Length));
        Assert.That(loader.BatchSize, Is.EqualTo(batchSize));
        Assert.That(batches.Select(b => b.Images.Shape[0]), Is.EqualTo(sizes));
        Assert.That(batches.Select(b => b.Labels.Shape[0]), Is.EqualTo(sizes));
    }

    [Test]
    public void Epoch_ImagesAreN1x28x28FloatsIn0To1_AndLabelsAVector()
    {
        var loader = new DataLoader(Numbered(10), 4);

        foreach (var (images, labels) in loader.Epoch())
        {
            int n = images.Shape[0];
            Assert.That(images.Shape.ToArray(), Is.EqualTo(new[] { n, 1, 28, 28 }));
            Assert.That(labels.Shape.ToArray(), Is.EqualTo(new[] { n }));
            Assert.That(images.Device, Is.EqualTo(Device.Cpu));
            Assert.That(labels.Device, Is.EqualTo(Device.Cpu));
            var values = images.ToArray();
            Assert.That(values, Has.All.InRange(0f, 1f));
            for (int i = 0; i < n; i++)
            {
                Assert.That(values[i * 784 + 1], Is.EqualTo(1f), "pixel 255 is exactly 1.0");
                Assert.That(values[i * 784 + 2], Is.EqualTo(0f), "pixel 0 is exactly 0.0");
                Assert.That(values[i * 784 + 3], Is.EqualTo(128f / 255f), "pixel 128 is 128/255");
            }
        }
    }

    [Test]
    public void Epoch_EveryPixelIsItsByteOver255()
    {
        var dataset = Numbered(3);
        var (images, _) = new DataLoader(dataset, 3).Epoch().Single();

        Assert.That(images.ToArray(), Is.EqualTo(dataset.Pixels.Select(p => p / 255f).ToArray()));
    }

    [Test]
    public void Epoch_LabelsStayWithTheirImages_WhenShuffled()
    {
        var loader = new DataLoader(Numbered(37), 8, shuffle: true, seed: 3);

        for (int epoch = 0; epoch < 2; epoch++)
            foreach (var (images, labels) in loader.Epoch())
            {
                var pixels = images.ToArray();
                var y = labels.ToArray();
                for (int i = 0; i < y.Length; i++)
                {
                    int index = (int)MathF.Round(pixels[i * 784] * 255f);
                    Assert.That(y[i], Is.EqualTo(index % 10), $"image {index}");
                }
            }
    }

    [Test]
    public void Epoch_WithoutShuffle_KeepsTheDatasetOrder_EveryEpoch()
    {
        var loader = new DataLoader(Numbered(10), 3);

        for (int epoch = 0; epoch < 3; epoch++)
            Assert.That(EpochIndices(loader).SelectMany(b => b), Is.EqualTo(Enumerable.Range(0, 10)), $"epoch {epoch}");
    }

    [Test]
    public void Epoch_Shuffled_VisitsEveryImageExactlyOncePerEpoch()
    {
        var loader = new DataLoader(Numbered(50), 7, shuffle: true, seed: 1);

        for (int epoch = 0; epoch < 4; epoch++)
        {
            var order = EpochIndices(loader).SelectMany(b => b).ToList();
            Assert.That(order, Has.Count.EqualTo(50), $"epoch {epoch}");
            Assert.That(order.Order(), Is.EqualTo(Enumerable.Range(0, 50)), $"epoch {epoch}: a permutation");
        }
    }

    [Test]
    public void Epoch_Shuffled_IsReproducibleForTheSameSeed_AndNewEachEpoch()
    {
        var a = new DataLoader(Numbered(50), 16, shuffle: true, seed: 42);
        var b = new DataLoader(Numbered(50), 16, shuffle: true, seed: 42);

        var a1 = EpochIndices(a).SelectMany(x => x).ToArray();
        var a2 = EpochIndices(a).SelectMany(x => x).ToArray();
        var b1 = EpochIndices(b).SelectMany(x => x).ToArray();
        var b2 = EpochIndices(b).SelectMany(x => x).ToArray();

        Assert.That(b1, Is.EqualTo(a1), "same seed, same first epoch");
        Assert.That(b2, Is.EqualTo(a2), "same seed, same second epoch");
        Assert.That(a2, Is.Not.EqualTo(a1), "a new order each epoch");
        Assert.That(a1, Is.Not.EqualTo(Enumerable.Range(0, 50)), "shuffled at all");
    }

    [Test]
    public void Epoch_Shuffled_DiffersBetweenSeeds()
    {
        var one = EpochIndices(new DataLoader(Numbered(50), 50, shuffle: true, seed: 1)).Single();
        var two = EpochIndices(new DataLoader(Numbered(50), 50, shuffle: true, seed: 2)).Single();

        Assert.That(two, Is.Not.EqualTo(one));
    }

    [Test]
    public void Epoch_AbandonedHalfway_TheNextEpochIsStillComplete()
    {
        var loader = new DataLoader(Numbered(20), 3);

        var first = loader.Epoch().Take(2).ToList();
        var next = EpochIndices(loader).SelectMany(b => b);

        Assert.That(first, Has.Count.EqualTo(2));
        Assert.That(next, Is.EqualTo(Enumerable.Range(0, 20)));
    }

    [Test]
    public void Epoch_EmptyDataset_HasNoBatches()
    {
        var loader = new DataLoader(new ImageDataset([], [], 28, 28), 4, shuffle: true);

        Assert.That(loader.Count, Is.Zero);
        Assert.That(loader.Epoch(), Is.Empty);
    }

    [TestCase(0)]
    [TestCase(-1)]
    public void Constructor_NonPositiveBatchSize_IsRejectedInPyTorchsWording(int batchSize)
    {
        var e = Assert.Throws<ConvEngineException>(() => new DataLoader(Numbered(2), batchSize))!;

        Assert.That(e.Message, Is.EqualTo($"batch_size should be a positive integer value, but got batch_size={batchSize}"));
    }

    [Test]
    public void ImageDataset_PixelCountNotMatchingTheLabels_IsRejected()
    {
        Assert.Throws<ConvEngineException>(() => new ImageDataset(new byte[784 * 2 + 1], new byte[2], 28, 28));
        Assert.Throws<ConvEngineException>(() => new ImageDataset(new byte[784], new byte[2], 28, 28));
        Assert.Throws<ConvEngineException>(() => new ImageDataset([], [], 0, 28));
    }

    [Test]
    public void ImageDataset_Batch_PicksTheRequestedImagesInTheRequestedOrder()
    {
        var dataset = Numbered(6);

        var (images, labels) = dataset.Batch([5, 0, 3]);

        Assert.That(images.Shape.ToArray(), Is.EqualTo(new[] { 3, 1, 28, 28 }));
        var pixels = images.ToArray();
        Assert.That(new[] { pixels[0], pixels[784], pixels[2 * 784] }, Is.EqualTo(new[] { 5 / 255f, 0f, 3 / 255f }));
        Assert.That(labels.ToArray(), Is.EqualTo(new[] { 5f, 0f, 3f }));
    }
}
