// A small CNN trained on Fashion-MNIST with the ConvEngine package, then saved as safetensors.
// dotnet run -c Release -- [device: cpu|opencl|cuda|auto] [steps, at most 469] [output file]
using ConvEngine;
using ConvEngine.Data;
using ConvEngine.Nn;
using ConvEngine.Optim;
using ConvEngine.Serialization;

var device = Device.Parse(args.Length > 0 ? args[0] : "cpu");
int steps = args.Length > 1 ? int.Parse(args[1]) : 300;
string output = args.Length > 2 ? args[2] : "model.safetensors";

Generator.Default.ManualSeed(0);
var data = FashionMnist.Load();                      // 60,000 + 10,000 images of 28×28, 10 classes
var net = new Sequential(
    new Conv2d(1, 6, 5, padding: 2), new ReLU(), new MaxPool2d(2),
    new Conv2d(6, 16, 5), new ReLU(), new MaxPool2d(2), new Flatten(),
    new Linear(16 * 5 * 5, 120), new ReLU(), new Linear(120, 84), new ReLU(), new Linear(84, 10));
net.To(device);
Console.WriteLine(net.Summary(1, 1, 28, 28));       // input (N, C, H, W)
var optimizer = new Adam(net.Parameters(), lr: 1e-3);

int step = 0;
foreach (var (images, labels) in new DataLoader(data.Train, batchSize: 128, shuffle: true, device: device).Epoch().Take(steps))
{
    using var scope = new TensorScope();                               // the step's tensors return to the allocator at its end
    var loss = Functional.CrossEntropy(net.Forward(images), labels);   // images (128, 1, 28, 28), labels (128)
    optimizer.ZeroGrad();
    loss.Backward();
    optimizer.Step();
    if (++step % 50 == 0) Console.WriteLine($"step {step}: loss {loss.Item():F3}");
}

using (Tensor.NoGrad())
{
    float correct = 0;
    foreach (var (images, labels) in new DataLoader(data.Test, batchSize: 1000, device: device).Epoch())
        correct += net.Forward(images).Argmax(1).Eq(labels).Sum().Item();
    Console.WriteLine($"test accuracy: {correct / data.Test.Count:F3}");
}
SafeTensors.Save(output, net.StateDict());
Console.WriteLine($"saved {output}");
