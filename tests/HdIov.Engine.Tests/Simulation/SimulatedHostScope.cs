using System.Text.RegularExpressions;
using HdIov.Engine.Host;
using HdIov.Engine.Interop;
using HdIov.Engine.Simulation;

namespace HdIov.Engine.Tests.Simulation;

/// <summary>A simulated host in a fresh temporary folder, removed afterwards.</summary>
internal sealed class SimulatedHostScope : IDisposable
{
    public SimulatedHostScope(string profile)
    {
        Root = Path.Combine(Path.GetTempPath(), "hdiov-sim-" + Guid.NewGuid().ToString("n"));
        Host = SimulatedHost.Create(Root, profile);
    }

    public string Root { get; }

    public SimulatedHost Host { get; }

    public static string TypeCreate(string parent, string type) => $"/sys/class/mdev_bus/{parent}/mdev_supported_types/{type}/create";

    public static string Available(string parent, string type) => $"/sys/class/mdev_bus/{parent}/mdev_supported_types/{type}/available_instances";

    public string Read(string path) => Host.ReadText(path).TrimEnd('\n');

    public HostIoException WriteFails(string path, string value, Errno expected)
    {
        var error = Assert.Throws<HostIoException>(() => Host.WriteAttribute(path, value));
        Assert.Equal(expected, error.Errno);
        Assert.Equal(path, error.Path);
        return error;
    }

    /// <summary>Sets the QAT PF's NumberAdis (and services) and restarts it with adf_ctl.</summary>
    public CommandResult ConfigureQat(int index, int adis, string services = "asym;dc", int kernelCy = 0)
    {
        var text = Host.ReadText($"/etc/4xxx_dev{index}.conf");
        text = Regex.Replace(text, "NumberAdis = [0-9]+", $"NumberAdis = {adis}");
        text = Regex.Replace(text, "ServicesEnabled = .*", $"ServicesEnabled = {services}");
        text = Regex.Replace(text, "\\[KERNEL\\]\nNumberCyInstances = [0-9]+", $"[KERNEL]\nNumberCyInstances = {kernelCy}");
        Host.WriteFile($"/etc/4xxx_dev{index}.conf", text);
        return Host.Run("adf_ctl", [$"qat_dev{index}", "restart"]);
    }

    public void Dispose()
    {
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}
