using Discovery.Cli;

return DiscoveryCommand.Build().Parse(args).Invoke();
