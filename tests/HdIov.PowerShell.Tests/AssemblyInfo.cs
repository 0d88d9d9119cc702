// The tests share process-wide state (environment variables, the module's load context, the working directory of
// child processes), so they run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
