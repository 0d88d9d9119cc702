using System.Globalization;
using System.Text;
using HdIov.Engine.Host;

namespace HdIov.Engine.Simulation;

/// <summary>The kernel model: parents: QAT and pooled SIOV devices.</summary>
internal sealed partial class KernelModel
{
    private void StartParent(MachineFunction function)
    {
        var mdev = function.Template.Mdev!;
        var bdf = function.Address.ToString();
        if (mdev.Model == "qat")
        {
            StartQat(function);
        }
        else if (SiovCapable(function))
        {
            RegisterPooled(bdf, function.Directory, function.Template.Driver!, mdev);
        }

        Autostart(bdf);
    }

    /// <summary>
    /// True when the out-of-tree SIOV driver can enable the IOMMU aux-domain feature for this function:
    /// PASID capability (and the BAR0 size the profile demands), every VT-d unit with SMTS and PASID, and sm_on on the command line.
    /// </summary>
    private bool SiovCapable(MachineFunction function)
    {
        var mdev = function.Template.Mdev!;
        if (!mdev.RequiresScalableIommu)
        {
            return true;
        }

        var hasPasid = function.Template.ExtendedCapabilities.Any(c => c.Id == "pasid");
        var bar0 = function.Template.Bars.FirstOrDefault(b => b.Index == 0);
        var barOk = mdev.MinBar0Size is null || (bar0 is not null && Hex.Parse(bar0.Size, "bar size") >= Hex.Parse(mdev.MinBar0Size, "minBar0Size"));
        var units = DmarPresent() && Data.Iommu.Units.All(u => (Ecap(u) & (EcapSmts | EcapPasid)) == (EcapSmts | EcapPasid));
        return hasPasid && barOk && units && ScalableModeRequested();
    }

    private bool ScalableModeRequested()
    {
        var enabled = false;
        foreach (var argument in _tree.ReadText("/proc/cmdline").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!argument.StartsWith("intel_iommu=", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var token in argument["intel_iommu=".Length..].Split(','))
            {
                enabled = token switch
                {
                    "sm_on" => true,
                    "sm_off" or "off" => false,
                    _ => enabled,
                };
            }
        }

        return enabled;
    }

    /// <summary>Starts one QAT PF as the out-of-tree driver does: reads its config, checks the ring-pair budget, registers the ADI types.</summary>
    private (bool Ok, string Message) StartQat(MachineFunction function)
    {
        var bdf = function.Address.ToString();
        var mdev = function.Template.Mdev!;
        var path = $"/etc/{function.Template.Driver}_dev{_machine.QatIndex(bdf)}.conf";
        _state.QatAdis.Remove(bdf);
        if (!_state.QatDown.Contains(bdf))
        {
            _state.QatDown.Add(bdf);
        }

        if (!_tree.Exists(path))
        {
            return (false, $"Error: cannot open {path}\n");
        }

        var (config, error) = QatConfigFile.Parse(_tree.ReadText(path), path);
        if (config is null)
        {
            return (false, error + "\n");
        }

        if (config.NumberAdis + config.KernelInstances > mdev.Banks)
        {
            return (false, "Not enough resource for ADI.\n");
        }

        _state.QatDown.Remove(bdf);
        _state.QatAdis[bdf] = config.NumberAdis;
        if (config.NumberAdis == 0)
        {
            return (true, string.Empty);
        }

        if (!SiovCapable(function))
        {
            return (true, $"{bdf}: Scalable IOV is not available (the IOMMU lacks scalable mode with PASID, or intel_iommu=sm_on is missing); no ADI types registered\n");
        }

        var driver = function.Template.Driver!;
        var perType = config.NumberAdis / config.Services.Count;
        Register(new ParentState(
            bdf,
            function.Directory,
            driver,
            bdf,
            0,
            ParseErrno(mdev.ExhaustedErrno),
            null,
            BlockedBySriov: true,
            config.Services.Order(StringComparer.Ordinal).Select(s => new TypeState($"{driver}-vqat_{s}", $"{driver}-vqat_{s}", "vfio-pci", perType, 1)).ToList()));
        return (true, string.Empty);
    }

    private CommandResult AdfCtl(IReadOnlyList<string> arguments)
    {
        const string Usage = "Usage: adf_ctl [qat_dev<N>] [up | down | restart | status]\n";
        var pfs = _machine.QatPfs.ToList();
        List<string> targets;
        string action;
        if (arguments.Count == 1)
        {
            targets = pfs;
            action = arguments[0];
        }
        else if (arguments.Count == 2 && QatDevice().Match(arguments[0]) is { Success: true } m
            && int.TryParse(m.Groups[1].Value, CultureInfo.InvariantCulture, out var index) && index < pfs.Count)
        {
            targets = [pfs[index]];
            action = arguments[1];
        }
        else
        {
            return new CommandResult(1, string.Empty, Usage);
        }

        if (action == "status")
        {
            return new CommandResult(0, Status(pfs, targets), string.Empty);
        }

        if (action is not ("up" or "down" or "restart"))
        {
            return new CommandResult(1, string.Empty, Usage);
        }

        var output = new StringBuilder();
        var errors = new StringBuilder();
        foreach (var bdf in targets)
        {
            var function = _machine.Find(bdf)!;
            var name = $"qat_dev{pfs.IndexOf(bdf)}";
            if (CurrentDriver(bdf) != function.Template.Driver)
            {
                errors.Append(CultureInfo.InvariantCulture, $"{name} ({bdf}) is not bound to the {function.Template.Driver} driver\n");
                continue;
            }

            if (action is "down" or "restart")
            {
                output.Append(CultureInfo.InvariantCulture, $"Stopping {name} ({bdf})\n");
                Unregister(bdf);
                _state.QatAdis.Remove(bdf);
                if (!_state.QatDown.Contains(bdf))
                {
                    _state.QatDown.Add(bdf);
                }
            }

            if (action is "up" or "restart")
            {
                output.Append(CultureInfo.InvariantCulture, $"Starting {name} ({bdf}) with /etc/{function.Template.Driver}_dev{pfs.IndexOf(bdf)}.conf\n");
                var (ok, message) = StartQat(function);
                (ok ? output : errors).Append(message);
                Autostart(bdf);
            }
        }

        RefreshAvailable();
        return new CommandResult(errors.Length == 0 ? 0 : 1, output.ToString(), errors.ToString());
    }

    private string Status(List<string> pfs, List<string> targets)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Checking status of all devices.\nThere is {pfs.Count} QAT acceleration device(s) in the system:\n");
        foreach (var bdf in targets)
        {
            var function = _machine.Find(bdf)!;
            var state = _state.QatDown.Contains(bdf) || CurrentDriver(bdf) != function.Template.Driver ? "down" : "up";
            text.Append(CultureInfo.InvariantCulture, $" qat_dev{pfs.IndexOf(bdf)} - type: {function.Template.Driver},  inst_id: {pfs.IndexOf(bdf)},  node_id: {function.NumaNode},  bsf: {bdf},  #accel: 1 #engines: 9 state: {state}\n");
        }

        return text.ToString();
    }
}
