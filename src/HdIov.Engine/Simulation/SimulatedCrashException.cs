namespace HdIov.Engine.Simulation;

/// <summary>Stands for the process being killed at this point: the write it interrupts did not happen.</summary>
public sealed class SimulatedCrashException : Exception
{
    public SimulatedCrashException()
        : base("simulated crash: the process was killed before this host write")
    {
    }

    public SimulatedCrashException(string message)
        : base(message)
    {
    }

    public SimulatedCrashException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
