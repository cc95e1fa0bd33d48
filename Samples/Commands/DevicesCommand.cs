using ConvEngine.Kernels;
using ConvEngine.Kernels.OpenCl;

namespace ConvEngine.Samples.Commands;

/// <summary>
/// Not part of d2l: lists what <c>--device</c> can choose from. d2l checks
/// <c>torch.cuda.is_available()</c>; ConvEngine probes every accelerator kind it knows and says, for each, which
/// devices it found or why there are none.
/// </summary>
public static class DevicesCommand
{
    /// <summary>
    /// Prints each accelerator kind with its devices (name and description) or the reason it is unavailable;
    /// OpenCL devices are grouped under their platform, with its version.
    /// </summary>
    public static void Run(TextWriter output)
    {
        foreach (var report in Accelerators.Probe())
        {
            if (report.Devices.Count == 0)
            {
                output.WriteLine($"{report.Kind}: unavailable: {report.UnavailableReason ?? "no devices found"}");
                continue;
            }
            output.WriteLine($"{report.Kind}:");
            if (report.Kind == "opencl")
            {
                foreach (var platform in OpenClDiscovery.Platforms)
                {
                    output.WriteLine($"  platform {platform.Index}: {platform.Name} ({platform.Vendor}), {platform.Version}");
                    if (platform.Devices.Count == 0) output.WriteLine("    no devices");
                    foreach (var device in platform.Devices) output.WriteLine($"    {device.Name}: {device.Description}");
                }
                continue;
            }
            foreach (var backend in report.Devices)
                output.WriteLine($"  {backend.Name}: {backend.Description}");
        }
    }
}
