import Prometheus

/// The Prometheus metrics of a validator or submitter service (docs/ARCHITECTURE.md, "Services"), every name
/// prefixed `chainlearn_`. Counters count since the process started; the chain-derived ones (challenges,
/// commitments, games won and lost) count the events of this account the service has read since it started,
/// which after a restart include the events of earlier runs (it reads the chain from the deployment's first
/// block).
public final class ServiceMetrics: Sendable {
    /// The registry the metrics live in (served by `MetricsServer`).
    public let registry: PrometheusCollectorRegistry
    /// Distinct tasks found on the chain (events or polling).
    public let tasksSeen: Counter
    /// Tasks whose data was fetched, whose computation ran and that passed the agent's checks.
    public let tasksChecked: Counter
    /// Tasks the filter refused.
    public let tasksFiltered: Counter
    /// Tasks the agent refused after computing them (hashes, S_0, step bound or windows do not match).
    public let tasksRejected: Counter
    /// Tasks whose data no store could serve, or that did not decode or run (each counted once per task).
    public let tasksUnavailable: Counter
    /// Stores that served bytes whose hash was wrong.
    public let storeRefusals: Counter
    /// Challenges this account opened (`ChallengeOpened` with it as challenger).
    public let challenges: Counter
    /// Results this account committed (`ResultCommitted` by it).
    public let commitments: Counter
    /// Games this account won (`GameSettled` with it as winner).
    public let gamesWon: Counter
    /// Games this account played and lost.
    public let gamesLost: Counter
    /// Transactions this process sent and saw mined.
    public let transactions: Counter
    /// Gas those transactions used.
    public let gasUsed: Counter
    /// Wei paid for that gas.
    public let gasSpentWei: Counter
    /// Failed JSON-RPC exchanges (unreachable node, bad answers, reverted sends).
    public let rpcErrors: Counter
    /// Errors while playing a task (logged with the task id; the task is retried on the next pass).
    public let taskErrors: Counter
    /// Wei this account has at stake now: in running games (validator) or in submissions of unfinished tasks (submitter).
    public let stakeAtRisk: Gauge
    /// Tasks followed now (not yet final).
    public let tasksFollowed: Gauge
    /// Seconds from the first look at a task to the end of its check (fetch, execution, comparison).
    public let checkSeconds: ValueHistogram

    /// The metrics of a service with role `role` (`validator` or `submitter`), in a new registry.
    public init(role: String) {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        let labels = [("role", role)]
        func named(_ name: String, _ help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(namespace: "chainlearn", metricName: name, unitName: "", helpText: help)
        }
        func counter(_ name: String, _ help: String) -> Counter {
            registry.makeCounter(descriptor: named(name, help), labels: labels)
        }
        tasksSeen = counter("tasks_seen_total", "Distinct tasks found on the chain")
        tasksChecked = counter("tasks_checked_total", "Tasks fetched, executed and checked against the chain")
        tasksFiltered = counter("tasks_filtered_total", "Tasks refused by the task filter")
        tasksRejected = counter("tasks_rejected_total", "Tasks whose commitments or windows did not check out")
        tasksUnavailable = counter("tasks_unavailable_total", "Tasks whose data was missing, malformed or did not run")
        storeRefusals = counter("store_refusals_total", "Store answers refused because their hash was wrong")
        challenges = counter("challenges_total", "Challenges opened by this account")
        commitments = counter("commitments_total", "Results committed by this account")
        gamesWon = counter("games_won_total", "Games won by this account")
        gamesLost = counter("games_lost_total", "Games lost by this account")
        transactions = counter("transactions_total", "Transactions sent and mined")
        gasUsed = counter("gas_used_total", "Gas used by the transactions sent")
        gasSpentWei = counter("gas_spent_wei_total", "Wei paid for the gas of the transactions sent")
        rpcErrors = counter("rpc_errors_total", "Failed JSON-RPC exchanges")
        taskErrors = counter("task_errors_total", "Errors while acting on a task")
        stakeAtRisk = registry.makeGauge(descriptor: named("stake_at_risk_wei", "Wei staked in open games or unfinished submissions"),
                                         labels: labels)
        tasksFollowed = registry.makeGauge(descriptor: named("tasks_followed", "Tasks followed now"), labels: labels)
        checkSeconds = registry.makeValueHistogram(descriptor: named("task_check_seconds", "Time to fetch, execute and check a task"),
                                                   labels: labels, buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600])
    }
}
