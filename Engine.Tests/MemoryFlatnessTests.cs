using ConvEngine.Data;
using ConvEngine.Optim;
using ConvEngine.Samples.Models;
using ConvEngine.Samples.Training;

namespace ConvEngine.Tests;

/// <summary>
/// Long runs must not grow: LeNet trained epoch after epoch with the Samples trainer (a scope per step) holds
/// the same live device memory and about the same managed heap after every epoch from the second on, on
/// every backend.
/// </summary>
[TestFixtureSource(typeof(TestBackends), nameof(TestBackends.Fixtures))]
[NonParallelizable] // reads process-wide memory counters
public sealed class MemoryFlatnessTests(string device) : BackendFixture(device)
{
    [Test]
    public void TrainingEpochs_KeepDeviceMemoryAndManagedHeapFlat()
    {
        // 512 synthetic 28×28 images in 10 classes, batch 64: 8 steps an epoch.
        var rng = new Random(0);
        var pixels = new byte[512 * 28 * 28];
        rng.NextBytes(pixels);
        var labels = Enumerable.Range(0, 512).Select(i => (byte)(i % 10)).ToArray();
        var data = new ImageDataset(pixels, labels, 28, 28);
        var train = new DataLoader(data, 64, shuffle: true, seed: 0, device: Device);
        var test = new DataLoader(data, 128, device: Device);
        var net = LeNet.Create("relu", new Generator(0));
        net.To(Device);
        var trainer = new Trainer(net, new Adam(net.Parameters()), train, test);

        var live = new List<long>();
        var heap = new List<long>();
        for (int epoch = 1; epoch <= 5; epoch++)
        {
            trainer.RunEpoch(epoch, new PlainDisplay());
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            live.Add(Device.Backend.Memory.BytesInUse);
            heap.Add(GC.GetTotalMemory(forceFullCollection: true));
        }
        TestContext.Out.WriteLine($"{Device}: live device bytes per epoch {string.Join(", ", live)}; managed heap {string.Join(", ", heap)}");
        Assert.That(live.Skip(2), Has.All.EqualTo(live[1]), "live device memory after epochs 2..5");
        Assert.That(heap.Skip(2).Max() - heap[1], Is.LessThan(1 << 20), "managed heap growth after epoch 2 (bytes)");
    }
}
