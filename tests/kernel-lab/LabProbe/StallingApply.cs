using HdIov.Engine.Discovery;
using HdIov.Engine.Execution;
using HdIov.Engine.Host;
using HdIov.Engine.Planning;
using HdIov.Engine.Spec;

namespace HdIov.KernelLab.Probe;

/// <summary>
/// An apply that stops dead after a given number of mdev creates, standing in for a process killed mid-way: the
/// caller waits for the <c>stalled</c> line and kills it with SIGKILL, so nothing after the k-th create runs (no
/// further step, no ledger compaction, no lock release other than the kernel's).
/// </summary>
internal static class StallingApply
{
    public static int Run(string specPath, int createsBeforeStall)
    {
        var loaded = SpecLoader.LoadFile(specPath);
        if (!loaded.Succeeded)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, loaded.Diagnostics.Select(d => d.ToString())));
        }

        var host = HostFactory.Open("/");
        var plan = Planner.Plan(loaded.Spec!, new HostObserver(host).Observe());
        Console.WriteLine($"planned {plan.Steps.Length} steps");
        new Executor(host).Apply(plan, new StallAfterCreates(createsBeforeStall));
        Console.WriteLine("finished without stalling");
        return 3;
    }

    private sealed class StallAfterCreates(int creates) : IApplyObserver
    {
        private int _done;

        public void StepStarting(PlanStep step, int index, int count)
        {
        }

        public void StepCompleted(PlanStep step, int index, int count)
        {
            if (step.Operation is CreateMdev && ++_done == creates)
            {
                Console.WriteLine($"stalled after {_done} creates");
                Console.Out.Flush();
                Thread.Sleep(Timeout.Infinite);
            }
        }

        public void Message(string text)
        {
        }
    }
}
