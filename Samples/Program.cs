using System.CommandLine;
using ConvEngine.Samples.Commands;
using ConvEngine.Samples.Models;

namespace ConvEngine.Samples;

/// <summary>
/// The command line: <c>convengine-samples &lt;command&gt; [--device cpu|opencl|cuda|auto]</c>, one command per
/// d2l example in <see cref="Commands"/>, plus LeNet's training, evaluation and prediction. Parse errors (an unknown command or option, a malformed value) print
/// the error and the usage and exit 1; a <see cref="ConvEngineException"/> (an unavailable device, an invalid
/// option value, a bad file, a diverging run) prints one <c>error: …</c> line to stderr and exits 1; any other
/// exception is a bug, and prints one <c>error: unexpected …</c> line and exits 2.
/// </summary>
public static class Program
{
    /// <summary>Runs the command line against the console.</summary>
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Runs the command line with its output and errors going to the given writers; returns the exit code.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        // Recursive: every subcommand accepts it, after its name like its own options.
        var deviceOption = new Option<string>("--device")
        {
            Description = "Where tensors live and run: cpu, opencl[:N], cuda[:N] or auto",
            DefaultValueFactory = _ => "cpu",
            Recursive = true,
        };
        var root = new RootCommand("ConvEngine samples: the examples of d2l's convolutional networks chapter (6.2–6.6)")
        {
            deviceOption,
        };

        // Runs a command on the chosen device, turning ConvEngine's errors into one line on stderr.
        Command WithDevice(string name, string description, Action<ParseResult, Device> run)
        {
            var command = new Command(name, description);
            command.SetAction(parseResult =>
            {
                try
                {
                    run(parseResult, Device.Parse(parseResult.GetValue(deviceOption)!));
                    return 0;
                }
                catch (ConvEngineException e)
                {
                    error.WriteLine($"error: {e.Message.ReplaceLineEndings(" ")}");
                    return 1;
                }
                catch (Exception e)
                {
                    // Not one of ConvEngine's own errors, so a bug: still one line, never a stack trace, and its own exit code.
                    error.WriteLine($"error: unexpected {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")} (a bug in ConvEngine; please report it with the command line)");
                    return 2;
                }
            });
            return command;
        }

        root.Add(WithDevice("corr2d", "2-D cross-correlation of d2l's 3×3 input with a 2×2 kernel (6.2.1)",
            (_, device) => Corr2dCommand.Run(output, device)));
        root.Add(WithDevice("edges", "Edge detection with the kernel [1, -1] (6.2.3)",
            (_, device) => EdgesCommand.Run(output, device)));

        // No default here: learn-kernel picks d2l's values for the version it trains (see --bias).
        var lrOption = new Option<float?>("--lr")
        {
            Description = $"Learning rate, positive [default: {LearnKernelCommand.Conv2dLearningRate}, "
                + $"{LearnKernelCommand.HandWrittenLearningRate} with --bias]",
        };
        var iterationsOption = new Option<int?>("--iterations")
        {
            Description = $"Gradient steps, positive [default: {LearnKernelCommand.Conv2dIterations}, "
                + $"{LearnKernelCommand.HandWrittenIterations} with --bias]",
        };
        var seedOption = new Option<ulong>("--seed")
        {
            Description = "Seed for the initial kernel, as torch.manual_seed",
            DefaultValueFactory = _ => 0,
        };
        var biasOption = new Option<bool>("--bias")
        {
            Description = "Train d2l's hand-written Conv2D (corr2d + scalar bias) instead of nn.Conv2d",
        };
        var learnKernelAnomaly = DetectAnomalyOption();
        var learnKernel = WithDevice("learn-kernel", "Learn the edge kernel from X and Y by gradient descent (6.2.4)",
            (parseResult, device) => LearnKernelCommand.Run(output, device, parseResult.GetValue(lrOption),
                parseResult.GetValue(iterationsOption), parseResult.GetValue(seedOption), parseResult.GetValue(biasOption),
                parseResult.GetValue(learnKernelAnomaly)));
        foreach (var option in new Option[] { lrOption, iterationsOption, seedOption, biasOption, learnKernelAnomaly }) learnKernel.Add(option);
        root.Add(learnKernel);

        root.Add(WithDevice("padding-stride", "Output shapes of convolutions with padding and stride (6.3)",
            (_, device) => PaddingStrideCommand.Run(output, device)));
        root.Add(WithDevice("channels", "Multiple input and output channels, 1×1 convolution (6.4)",
            (_, device) => ChannelsCommand.Run(output, device)));
        root.Add(WithDevice("pooling", "Max and average pooling, padding, stride, channels (6.5)",
            (_, device) => PoolingCommand.Run(output, device)));

        root.Add(LeNetCommandLine(WithDevice, output));
        root.Add(EvaluateCommandLine(WithDevice, output));
        root.Add(PredictCommandLine(WithDevice, output));

        // Listing devices must work whatever --device says, so this one does not resolve it.
        var devices = new Command("devices", "List the accelerators and their devices");
        devices.SetAction(_ => DevicesCommand.Run(output));
        root.Add(devices);

        return root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
    }

    private delegate Command DeviceCommandFactory(string name, string description, Action<ParseResult, Device> run);

    // Null-valued options mean "not given": the variant's default, or the checkpoint's setting on --resume.
    private static Command LeNetCommandLine(DeviceCommandFactory withDevice, TextWriter output)
    {
        var variant = new Option<string?>("--variant") { Description = $"{string.Join(", ", LeNet.Variants)} [default: {LeNetCommand.DefaultVariant}]" };
        var epochs = new Option<int>("--epochs")
        {
            Description = "Epochs to train in total (a resumed run continues up to this many)",
            DefaultValueFactory = _ => LeNetCommand.DefaultEpochs,
        };
        var batchSize = new Option<int?>("--batch-size") { Description = $"Minibatch size [default: {LeNetCommand.DefaultBatchSize}]" };
        var lr = new Option<float?>("--lr") { Description = "Learning rate [default: 0.9 for d2l (SGD), 0.001 for relu and classic (Adam)]" };
        var data = DataOption();
        var outFolder = new Option<string?>("--out") { Description = "Run folder for the checkpoint, history.csv and curves.svg [default: runs/<variant>-<yyyyMMdd-HHmmss>]" };
        var seed = new Option<int?>("--seed") { Description = "Seed of the initial weights (as torch.manual_seed) and of the shuffling [default: 0]" };
        var resume = new Option<string?>("--resume") { Description = "Continue a run: its folder, model.safetensors or optimizer.safetensors" };
        var detectAnomaly = DetectAnomalyOption();
        var command = withDevice("lenet", "Train LeNet on Fashion-MNIST (6.6): one line per epoch, checkpoints, history.csv, curves.svg",
            (r, device) => LeNetCommand.Run(output, device, new LeNetOptions(r.GetValue(variant), r.GetValue(epochs),
                r.GetValue(batchSize), r.GetValue(lr), r.GetValue(data), r.GetValue(outFolder), r.GetValue(seed), r.GetValue(resume),
                r.GetValue(detectAnomaly))));
        foreach (var option in new Option[] { variant, epochs, batchSize, lr, data, outFolder, seed, resume, detectAnomaly }) command.Add(option);
        return command;
    }

    private static Command EvaluateCommandLine(DeviceCommandFactory withDevice, TextWriter output)
    {
        var checkpoint = CheckpointOption();
        var data = DataOption();
        var command = withDevice("evaluate", "Test accuracy and confusion matrix of a trained LeNet checkpoint",
            (r, device) => EvaluateCommand.Run(output, device, r.GetValue(checkpoint)!, r.GetValue(data)));
        command.Add(checkpoint);
        command.Add(data);
        return command;
    }

    private static Command PredictCommandLine(DeviceCommandFactory withDevice, TextWriter output)
    {
        var checkpoint = CheckpointOption();
        var index = new Option<int>("--index") { Description = "Test image number, 0 to 9999", Required = true };
        var data = DataOption();
        var command = withDevice("predict", "Show one test image as text art with a checkpoint's top-3 classes",
            (r, device) => PredictCommand.Run(output, device, r.GetValue(checkpoint)!, r.GetValue(index), r.GetValue(data)));
        command.Add(checkpoint);
        command.Add(index);
        command.Add(data);
        return command;
    }

    private static Option<bool> DetectAnomalyOption() => new("--detect-anomaly")
    {
        Description = "Check every op's forward and backward outputs for NaN and Inf, stopping at the first with the op's name (slower)",
    };

    private static Option<string?> DataOption() => new("--data")
    {
        Description = "Folder with Fashion-MNIST's four .gz files [default: $CONVENGINE_DATA, ~/.convengine/datasets/fashion-mnist, "
            + "/usr/share/datasets/fashion-mnist, else a download]",
    };

    private static Option<string> CheckpointOption() => new("--checkpoint")
    {
        Description = "A model.safetensors written by lenet, or its run folder",
        Required = true,
    };
}
