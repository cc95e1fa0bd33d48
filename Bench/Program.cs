using BenchmarkDotNet.Running;

// `dotnet run -c Release --project Bench -- --filter '*'` runs every benchmark; `--list flat` lists them.
BenchmarkSwitcher.FromAssembly(typeof(ConvEngine.Bench.Accelerator).Assembly).Run(args);
