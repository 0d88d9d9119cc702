using System.Collections.Immutable;
using HdIov.Engine.Attachments;
using HdIov.Engine.Diagnostics;
using HdIov.Engine.Discovery;
using HdIov.Engine.Execution.Handlers;
using HdIov.Engine.Host;
using HdIov.Engine.Planning;

namespace HdIov.Engine.Execution;

/// <summary>
/// Applies a plan: one apply per host at a time (flock), refuses a plan made on another state, runs the steps in
/// order with a journal, stops at a reboot barrier, and compacts the ledger at the end. A failed step leaves the
/// steps before it done and recorded; planning and applying again resumes from there.
/// </summary>
public sealed class Executor(IHost host, ApplyOptions? options = null)
{
    private readonly ApplyOptions _options = options ?? ApplyOptions.Default;

    public ApplyResult Apply(Plan plan, IApplyObserver? observer = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        using var hostLock = host.Lock(KernelPaths.ApplyLock, _options.LockTimeout, cancellationToken);

        var observed = new HostObserver(host).Observe(plan.Observation, cancellationToken);
        if (observed.Fingerprint != plan.ObservedFingerprint)
        {
            throw new StalePlanException(plan.ObservedFingerprint, observed.Fingerprint);
        }

        if (plan.IsEmpty)
        {
            return new ApplyResult(plan, [], [], false, observed);
        }

        var journal = new ApplyJournal(host, plan);
        var completed = ImmutableArray.CreateBuilder<PlanStep>();
        var stoppedAtBarrier = false;
        journal.Record(null, "apply-started", $"{plan.Steps.Length} steps");
        for (var index = 0; index < plan.Steps.Length; index++)
        {
            var step = plan.Steps[index];
            if (cancellationToken.IsCancellationRequested)
            {
                journal.Record(step, "cancelled");
                Finish();
                throw new ApplyFailedException(
                    new Diagnostic(DiagnosticCodes.Cancelled, DiagnosticSeverity.Error,
                        $"apply cancelled before step {step.Id} ({step.Address}); {completed.Count} of {plan.Steps.Length} steps are done",
                        "apply again to finish; completed steps are not repeated"),
                    step, completed.ToImmutable(), null);
            }

            observer?.StepStarting(step, index, plan.Steps.Length);
            try
            {
                journal.Record(step, "started");
                Execute(step.Operation, cancellationToken);
                journal.Record(step, "done");
            }
            catch (Exception error) when (error is HostIoException or HdIovException)
            {
                journal.Record(step, "failed", error.Message);
                Finish();
                throw new ApplyFailedException(Describe(step, error), step, completed.ToImmutable(), error);
            }

            completed.Add(step);
            observer?.StepCompleted(step, index, plan.Steps.Length);
            // Boot-time changes (kernel arguments, BIOS settings) come last and all take effect at the same reboot,
            // so the barrier falls after the last of them; anything else behind one waits for the reboot.
            if (step.Disruption == Disruption.HostReboot)
            {
                stoppedAtBarrier = plan.Steps.Skip(index + 1).Any(s => s.Disruption != Disruption.HostReboot);
                if (stoppedAtBarrier || index == plan.Steps.Length - 1)
                {
                    observer?.Message($"step {step.Id} takes effect after a reboot; reboot the host and apply again to continue");
                }

                if (stoppedAtBarrier)
                {
                    break;
                }
            }
        }

        Finish();
        var deferred = plan.Steps.Skip(completed.Count).ToImmutableArray();
        return new ApplyResult(plan, completed.ToImmutable(), deferred, stoppedAtBarrier, new HostObserver(host).Observe(plan.Observation, cancellationToken));

        void Finish()
        {
            LedgerFile.Compact(host);
            journal.Record(null, "apply-finished", $"{completed.Count} of {plan.Steps.Length} steps done");
        }
    }

    private void Execute(StepOperation operation, CancellationToken cancellationToken)
    {
        switch (operation)
        {
            case CreateMdev create:
                CreateMdevHandler.Execute(host, create);
                break;
            case RemoveMdev remove:
                RemoveMdevHandler.Execute(host, remove);
                break;
            case PersistMdev persist:
                PersistMdevHandler.Execute(host, persist);
                break;
            case AdoptMdev adopt:
                PersistMdevHandler.Execute(host, adopt);
                break;
            case ConfigureDevice configure:
                if (configure.ConfigurationFile is { } file)
                {
                    Baselines.RecordConfigFile(host, configure.ConfiguredPf, file);
                }

                configure.Apply(host, cancellationToken);
                break;
            case SetVfCount count:
                SetVfCountHandler.Execute(host, count);
                break;
            case BindVfDriver bind:
                BindVfDriverHandler.Execute(host, bind);
                break;
            case RestoreVfs restore:
                RestoreVfsHandler.Execute(host, restore);
                break;
            case ForgetBaseline forget:
                ForgetBaselineHandler.Execute(host, forget);
                break;
            case SetBootArguments boot:
                SetBootArgumentsHandler.Execute(host, boot, cancellationToken);
                break;
            case SetFirmwareAttribute firmware:
                SetFirmwareAttributeHandler.Execute(host, firmware);
                break;
            case SetRedfishBiosAttributes redfish:
                SetRedfishBiosAttributesHandler.Execute(_options.Redfish, redfish, cancellationToken);
                break;
            case SetHugepages hugepages:
                SetHugepagesHandler.Execute(host, hugepages);
                break;
            case WriteCdiSpec cdi:
                WriteCdiSpecHandler.Execute(host, cdi);
                break;
            case WriteQemuArgumentsFile write:
                QemuArgumentsFileHandler.Execute(host, write);
                break;
            case RemoveQemuArgumentsFile remove:
                QemuArgumentsFileHandler.Execute(host, remove);
                break;
            case AttachVdevToVm attach:
                AttachVdevToVmHandler.Execute(host, VirtualMachines(), attach);
                break;
            case DetachVdevFromVm detach:
                DetachVdevFromVmHandler.Execute(host, VirtualMachines(), detach);
                break;
            case RecordAttachment record:
                RecordAttachmentHandler.Execute(host, record);
                break;
            case ForgetAttachment forget:
                RecordAttachmentHandler.Execute(host, forget);
                break;
            case AddGuestIommu add:
                GuestIommuHandler.Execute(host, VirtualMachines(), add);
                break;
            case RemoveGuestIommu remove:
                GuestIommuHandler.Execute(host, VirtualMachines(), remove);
                break;
            case RecordGuestIommu record:
                GuestIommuHandler.Execute(host, record);
                break;
            default:
                throw new InvalidOperationException($"no handler for {operation.GetType().Name}");
        }
    }

    private IVirtualMachines VirtualMachines() =>
        _options.VirtualMachines ?? throw new HdIovException(new Diagnostic(
            DiagnosticCodes.LibvirtUnavailable,
            DiagnosticSeverity.Error,
            "this plan changes VMs, and the apply was not given access to libvirt",
            "apply through Set-HdIovHostState or Connect-HdIovVirtualDevice, or pass ApplyOptions.VirtualMachines"));

    private static Diagnostic Describe(PlanStep step, Exception error) => error switch
    {
        HostIoException io => new Diagnostic(
            DiagnosticCodes.HostWriteFailed,
            DiagnosticSeverity.Error,
            $"step {step.Id} ({step.Address}: {step.Description}) failed: {io.Message}",
            io.Hint + "; steps before this one are done, so applying again resumes here"),
        HdIovException { Diagnostics.Count: > 0 } engine => engine.Diagnostics[0] with
        {
            Message = $"step {step.Id} ({step.Address}) failed: {engine.Diagnostics[0].Message}",
        },
        _ => new Diagnostic(DiagnosticCodes.HostWriteFailed, DiagnosticSeverity.Error, $"step {step.Id} ({step.Address}) failed: {error.Message}", "see the journal at " + KernelPaths.Journal),
    };
}
