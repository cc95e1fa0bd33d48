using System.CommandLine;
using ConvEngine.Samples.Commands;

namespace ConvEngine.Samples;

/// <summary>
/// The command line: <c>convengine-samples &lt;command&gt; [--device cpu|opencl|cuda|auto]</c>, one command per
/// d2l example in <see cref="Commands"/>. Parse errors (an unknown command or option, a malformed value) print
/// the error and the usage and exit 1; a <see cref="ConvEngineException"/> (an unavailable device, an invalid
/// option value) prints one <c>error: …</c> line to stderr and exits 1.
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
        var root = new RootCommand("ConvEngine samples: the examples of d2l's convolutional networks chapter (6.2–6.5)")
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
        var learnKernel = WithDevice("learn-kernel", "Learn the edge kernel from X and Y by gradient descent (6.2.4)",
            (parseResult, device) => LearnKernelCommand.Run(output, device, parseResult.GetValue(lrOption),
                parseResult.GetValue(iterationsOption), parseResult.GetValue(seedOption), parseResult.GetValue(biasOption)));
        learnKernel.Add(lrOption);
        learnKernel.Add(iterationsOption);
        learnKernel.Add(seedOption);
        learnKernel.Add(biasOption);
        root.Add(learnKernel);

        root.Add(WithDevice("padding-stride", "Output shapes of convolutions with padding and stride (6.3)",
            (_, device) => PaddingStrideCommand.Run(output, device)));
        root.Add(WithDevice("channels", "Multiple input and output channels, 1×1 convolution (6.4)",
            (_, device) => ChannelsCommand.Run(output, device)));
        root.Add(WithDevice("pooling", "Max and average pooling, padding, stride, channels (6.5)",
            (_, device) => PoolingCommand.Run(output, device)));

        // Listing devices must work whatever --device says, so this one does not resolve it.
        var devices = new Command("devices", "List the accelerators and their devices");
        devices.SetAction(_ => DevicesCommand.Run(output));
        root.Add(devices);

        return root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
    }
}
