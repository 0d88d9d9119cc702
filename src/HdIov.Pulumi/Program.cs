using HdIov.Pulumi.Hosting;

return await ProviderHost.RunAsync(args).ConfigureAwait(false);
