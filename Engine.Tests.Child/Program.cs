using System.Globalization;
using ConvEngine;
using ConvEngine.Serialization;

// Commands (one per line of output, flushed at once so the parent can act on each):
//   save-loop PATH FLOATS  saves PATH over and over, save i holding one tensor "w" of FLOATS elements all equal to i
//                          and metadata {"save": i}; prints "saving i" before and "saved i" after each, until killed.
//   allocate FLOATS...     allocates CPU tensors of the given sizes, keeping each; prints "allocated N" after each.
// A ConvEngineException prints "ConvEngineException: <message>" and exits 3; anything else escapes (a crash).
var output = Console.Out;
try
{
    switch (args)
    {
        case ["save-loop", var path, var floats]:
            int n = int.Parse(floats, CultureInfo.InvariantCulture);
            for (int i = 1; ; i++)
            {
                var tensors = new Dictionary<string, Tensor> { ["w"] = Tensor.Full([n], i) };
                output.WriteLine($"saving {i}");
                output.Flush();
                SafeTensors.Save(path, tensors, new Dictionary<string, string> { ["save"] = i.ToString(CultureInfo.InvariantCulture) });
                output.WriteLine($"saved {i}");
                output.Flush();
            }
        case ["allocate", .. var sizes]:
            var kept = new List<Tensor>();
            foreach (var size in sizes)
            {
                kept.Add(Tensor.Zeros(int.Parse(size, CultureInfo.InvariantCulture)));
                output.WriteLine($"allocated {size}");
                output.Flush();
            }
            GC.KeepAlive(kept);
            return 0;
        default:
            Console.Error.WriteLine("usage: save-loop PATH FLOATS | allocate FLOATS...");
            return 2;
    }
}
catch (ConvEngineException e)
{
    output.WriteLine($"ConvEngineException: {e.Message}");
    return 3;
}
