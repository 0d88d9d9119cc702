namespace HdIov.Engine.Execution;

/// <summary>The phases of a converge, in order, as progress reports them.</summary>
public enum ConvergePhase
{
    /// <summary>Reading the host: devices, drivers, the ledger, the domains and the BMC the spec needs.</summary>
    Observe,

    /// <summary>Comparing the spec with what was read and ordering the steps.</summary>
    Plan,

    /// <summary>Running the steps under the host lock.</summary>
    Apply,

    /// <summary>Reading the host again to tell what is left, such as steps that wait for a reboot.</summary>
    Verify,
}
