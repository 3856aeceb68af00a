using Agora.Testing;

using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace Agora.LocalHost.Tests.Runtime;

public sealed record OrderPlaced(string OrderId, int Lines);

public sealed record Delivery(OrderPlaced Order, string Id, long DequeueCount, DateTimeOffset InsertionTime, DateTimeOffset? ExpirationTime, string PopReceipt, string QueueTrigger);

public sealed class QueueFunctions(Probe probe)
{
    public void Poco(OrderPlaced message, string id, long dequeueCount, DateTimeOffset insertionTime, DateTimeOffset? expirationTime,
        string popReceipt, string queueTrigger, CancellationToken cancellationToken) =>
        probe.Record("poco", new Delivery(message, id, dequeueCount, insertionTime, expirationTime, popReceipt, queueTrigger));

    public void Raw(QueueMessage message) => probe.Record("raw", message);

    public void Text(string message) => probe.Record("text", message);

    public void AlwaysFails(string message, int dequeueCount)
    {
        probe.Record("attempt", dequeueCount);
        throw new InvalidOperationException("always fails");
    }

    public void FailsOnce(string message, int dequeueCount)
    {
        probe.Record("attempt", (dequeueCount, DateTimeOffset.UtcNow));
        if (dequeueCount == 1)
        {
            throw new InvalidOperationException("first attempt fails");
        }
    }

    public void FailsTwice(string message, int dequeueCount)
    {
        probe.Record("attempt", (dequeueCount, DateTimeOffset.UtcNow));
        if (dequeueCount <= 2)
        {
            throw new InvalidOperationException("the first two attempts fail");
        }
    }

    public async Task Gated(string message)
    {
        using (probe.Enter())
        {
            probe.Record("started", message);
            await probe.Gate.Task;
        }

        probe.Record("done", message);
    }
}

public sealed class QueueTriggerTests
{
    [Fact]
    public async Task A_base64_message_binds_to_a_poco_and_its_metadata_and_is_deleted_after_success()
    {
        var queue = await QueueAsync();
        await using var host = await TestHost.StartAsync([Meta.Queue<QueueFunctions>("OnOrder", nameof(QueueFunctions.Poco), queue.Name)], Meta.FastQueues());

        var sent = await queue.SendMessageAsync("""{"orderId":"o-1","LINES":3}""");
        var delivery = (Delivery)(await host.Probe.WaitForAsync("poco"))[0]!;

        Assert.Equal(new OrderPlaced("o-1", 3), delivery.Order);
        Assert.Equal(sent.Value.MessageId, delivery.Id);
        Assert.Equal(1, delivery.DequeueCount);
        Assert.Equal(sent.Value.InsertionTime, delivery.InsertionTime);
        Assert.Equal(sent.Value.ExpirationTime, delivery.ExpirationTime);
        Assert.False(string.IsNullOrEmpty(delivery.PopReceipt));
        Assert.Equal("""{"orderId":"o-1","LINES":3}""", delivery.QueueTrigger);
        await Eventually.TrueAsync(() => queue.PeekMessages(1).Value.Length == 0 && queue.GetProperties().Value.ApproximateMessagesCount == 0, "the message to be deleted");
    }

    [Fact]
    public async Task A_message_binds_to_QueueMessage_with_the_decoded_body()
    {
        var queue = await QueueAsync();
        await using var host = await TestHost.StartAsync([Meta.Queue<QueueFunctions>("Raw", nameof(QueueFunctions.Raw), queue.Name)], Meta.FastQueues());

        await queue.SendMessageAsync("héllo");
        var message = (QueueMessage)(await host.Probe.WaitForAsync("raw"))[0]!;

        Assert.Equal("héllo", message.Body.ToString());
        Assert.Equal(1, message.DequeueCount);
    }

    [Fact]
    public async Task A_message_that_always_fails_goes_to_the_poison_queue_after_exactly_five_attempts()
    {
        var queue = await QueueAsync();
        await using var host = await TestHost.StartAsync([Meta.Queue<QueueFunctions>("Fails", nameof(QueueFunctions.AlwaysFails), queue.Name)], Meta.FastQueues());
        var poison = new QueueClient(host.StorageConnectionString, $"{queue.Name}-poison", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

        await queue.SendMessageAsync("doomed");
        var poisoned = await Eventually.ValueAsync(async () => (await poison.ExistsAsync()).Value ? (await poison.ReceiveMessageAsync()).Value : null, "the poison message");

        Assert.Equal("doomed", poisoned.Body.ToString());
        Assert.Equal([1, 2, 3, 4, 5], host.Probe.Values("attempt").Cast<int>());
        Assert.Empty((await queue.PeekMessagesAsync(1)).Value);
    }

    [Fact]
    public async Task Each_failure_doubles_the_wait_before_the_next_attempt()
    {
        var queue = await QueueAsync();
        await using var host = await TestHost.StartAsync([Meta.Queue<QueueFunctions>("FailsTwice", nameof(QueueFunctions.FailsTwice), queue.Name)],
            Meta.FastQueues(visibilityTimeout: "00:00:02"));

        await queue.SendMessageAsync("back off");
        var attempts = (await host.Probe.WaitForAsync("attempt", 3)).Cast<(int Count, DateTimeOffset At)>().ToArray();
        await Eventually.TrueAsync(() => queue.PeekMessages(1).Value.Length == 0 && queue.GetProperties().Value.ApproximateMessagesCount == 0, "the message to be deleted");

        var firstWait = attempts[1].At - attempts[0].At;
        var secondWait = attempts[2].At - attempts[1].At;
        Assert.Equal([1, 2, 3], attempts.Select(a => a.Count));
        // 2 s then 4 s; Azurite counts visibility in whole seconds, so allow one second of rounding.
        Assert.True(firstWait >= TimeSpan.FromSeconds(1) && firstWait < TimeSpan.FromSeconds(4), $"first retry after {firstWait}");
        Assert.True(secondWait >= TimeSpan.FromSeconds(3), $"second retry after {secondWait}");
    }

    [Fact]
    public async Task A_failed_message_stays_invisible_for_the_visibility_timeout_then_is_retried()
    {
        var queue = await QueueAsync();
        await using var host = await TestHost.StartAsync([Meta.Queue<QueueFunctions>("FailsOnce", nameof(QueueFunctions.FailsOnce), queue.Name)],
            Meta.FastQueues(visibilityTimeout: "00:00:03"));

        await queue.SendMessageAsync("retry me");
        var first = ((int, DateTimeOffset))(await host.Probe.WaitForAsync("attempt", 1))[0]!;
        await Eventually.TrueAsync(() => host.Probe.Values("attempt").Count == 2 || queue.PeekMessages(1).Value.Length == 0, "the message to be released");
        if (host.Probe.Values("attempt").Count == 1)
        {
            Assert.Empty((await queue.PeekMessagesAsync(1)).Value); // invisible while it waits out the timeout
        }

        var second = ((int, DateTimeOffset))(await host.Probe.WaitForAsync("attempt", 2))[1]!;

        Assert.Equal(2, second.Item1);
        // Azurite counts visibility in whole seconds, so allow one second of rounding.
        Assert.True(second.Item2 - first.Item2 >= TimeSpan.FromSeconds(2), $"retried after {second.Item2 - first.Item2}");
    }

    [Fact]
    public async Task A_message_that_is_not_base64_goes_to_the_poison_queue_unchanged_without_an_invocation()
    {
        var queue = await QueueAsync();
        await using var host = await TestHost.StartAsync([Meta.Queue<QueueFunctions>("Text", nameof(QueueFunctions.Text), queue.Name)], Meta.FastQueues());
        var raw = new QueueClient(host.StorageConnectionString, queue.Name);
        var poison = new QueueClient(host.StorageConnectionString, $"{queue.Name}-poison");

        await raw.SendMessageAsync("not base64 {at all}");
        var poisoned = await Eventually.ValueAsync(async () => (await poison.ExistsAsync()).Value ? (await poison.ReceiveMessageAsync()).Value : null, "the poison message");
        await queue.SendMessageAsync("valid");
        await host.Probe.WaitForAsync("text");

        Assert.Equal("not base64 {at all}", poisoned.MessageText);
        Assert.Equal(["valid"], host.Probe.Values("text"));
    }

    [Fact]
    public async Task With_message_encoding_none_the_text_is_taken_as_it_is()
    {
        var queue = await QueueAsync();
        await using var host = await TestHost.StartAsync([Meta.Queue<QueueFunctions>("Text", nameof(QueueFunctions.Text), queue.Name)], Meta.FastQueues(messageEncoding: "none"));

        await new QueueClient(host.StorageConnectionString, queue.Name).SendMessageAsync("plain text");

        Assert.Equal(["plain text"], await host.Probe.WaitForAsync("text"));
    }

    [Fact]
    public async Task Batch_size_bounds_how_many_messages_run_at_once()
    {
        var queue = await QueueAsync();
        var probe = new Probe { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await using var host = await TestHost.StartAsync([Meta.Queue<QueueFunctions>("Gated", nameof(QueueFunctions.Gated), queue.Name)],
            Meta.FastQueues(batchSize: 2), probe: probe);

        for (var i = 0; i < 6; i++)
        {
            await queue.SendMessageAsync($"m{i}");
        }

        await probe.WaitForAsync("started", 2);
        var startedWhileBlocked = probe.Values("started").Count;
        probe.Gate.SetResult();
        await probe.WaitForAsync("done", 6);

        Assert.Equal(2, startedWhileBlocked);
        Assert.Equal(2, probe.MaxActive);
    }

    [Fact]
    public async Task Stopping_waits_for_a_running_message_and_cancels_polling()
    {
        var queue = await QueueAsync();
        var probe = new Probe { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        var host = await TestHost.StartAsync([Meta.Queue<QueueFunctions>("Gated", nameof(QueueFunctions.Gated), queue.Name)], Meta.FastQueues(), probe: probe);
        try
        {
            await queue.SendMessageAsync("in flight");
            await probe.WaitForAsync("started");

            var stopping = host.Runtime.StopAsync();
            Assert.False(stopping.IsCompleted);
            probe.Gate.SetResult();
            await stopping;

            Assert.Equal(["in flight"], probe.Values("done"));
            Assert.Empty((await queue.PeekMessagesAsync(1)).Value);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    private static async Task<QueueClient> QueueAsync()
    {
        var endpoints = await SharedEmulators.GetAsync();
        return new QueueClient(endpoints.StorageConnectionString, SharedEmulators.Unique("q"), new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
    }
}
