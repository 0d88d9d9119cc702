using HdIov.Engine.Attachments;
using HdIov.Engine.Discovery;
using HdIov.Engine.Execution;
using HdIov.Engine.Model;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Tests.Testing;

/// <summary>Plans and applies on a simulated host whose domains are read through its mapped libvirt, as a session does.</summary>
internal static class LibvirtConverge
{
    public static Plan PlanFor(TemporarySimulatedHost sim, HostSpec spec)
    {
        using var machines = LibvirtVirtualMachines.For(sim.Host);
        return Planner.Plan(spec, DomainObserver.Observe(new HostObserver(sim.Host).Observe(), spec, machines));
    }

    public static ApplyResult Apply(TemporarySimulatedHost sim, HostSpec spec)
    {
        using var machines = LibvirtVirtualMachines.For(sim.Host);
        var plan = Planner.Plan(spec, DomainObserver.Observe(new HostObserver(sim.Host).Observe(), spec, machines));
        return new Executor(sim.Host, new ApplyOptions { VirtualMachines = machines }).Apply(plan);
    }
}
