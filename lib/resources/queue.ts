import type { Scope } from '../core/component';
import { ProblemList } from '../core/errors';
import { checkBoolean, checkIntRange } from '../core/rules';
import { Resource, ResourceProps } from './resource';

/** Where messages go that fail too often. */
export interface DeadLetterProps {
  /**
   * Receives of one message before it moves to the dead-letter queue.
   * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html
   */
  readonly maxReceiveCount: number;
  /**
   * Seconds the dead-letter queue keeps a message.
   * @default 1209600 (14 days, the most SQS allows)
   */
  readonly retentionSeconds?: number;
}

export interface QueueProps<E extends string = string> extends ResourceProps<E> {
  /**
   * First-in-first-out with exactly-once processing.
   * @default false
   * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/FIFO-queues.html
   */
  readonly fifo?: boolean;
  /**
   * Seconds a received message stays invisible to other consumers; longer
   * than the slowest message takes to process.
   * @default 30
   */
  readonly visibilityTimeoutSeconds?: number;
  /**
   * Seconds a message is kept.
   * @default 345600 (4 days)
   */
  readonly retentionSeconds?: number;
  /**
   * Long-polling wait of a receive, in seconds.
   * @default 20
   */
  readonly receiveWaitSeconds?: number;
  /**
   * The dead-letter queue; `false` for none.
   * @default { maxReceiveCount: 5 }
   */
  readonly deadLetter?: DeadLetterProps | false;
}

/** Queue props with every default resolved. */
export interface QueueSpec {
  /** See QueueProps.fifo. */
  readonly fifo: boolean;
  /** See QueueProps.visibilityTimeoutSeconds. */
  readonly visibilityTimeoutSeconds: number;
  /** See QueueProps.retentionSeconds. */
  readonly retentionSeconds: number;
  /** See QueueProps.receiveWaitSeconds. */
  readonly receiveWaitSeconds: number;
  /** See QueueProps.deadLetter; undefined for none. */
  readonly deadLetter: Required<DeadLetterProps> | undefined;
  /** See ResourceProps.retain. */
  readonly retain: boolean;
}

/**
 * A message queue with a dead-letter queue. `web.sendTo(queue)` lets a
 * workload send; a QueueWorker consumes and scales on its depth.
 *
 * Connection Secret keys (environment variables `<ID>_<KEY>`): `url`,
 * `name`, `arn`, `region`, `endpoint`.
 */
export class Queue<E extends string = string> extends Resource<QueueSpec> {
  public readonly kind = 'Queue';
  public readonly resourceType = 'queue';
  public readonly connectionKeys = ['url', 'name', 'arn', 'region', 'endpoint'] as const;
  /** The props as given. */
  public readonly props: QueueProps;

  constructor(scope: Scope<E>, id: string, given: QueueProps<NoInfer<E>> = {}) {
    const props = Resource.propsOf(given);
    const dl = props.deadLetter === undefined ? { maxReceiveCount: 5 } : props.deadLetter;
    super(scope, id, {
      fifo: props.fifo ?? false,
      visibilityTimeoutSeconds: props.visibilityTimeoutSeconds ?? 30,
      retentionSeconds: props.retentionSeconds ?? 345600,
      receiveWaitSeconds: props.receiveWaitSeconds ?? 20,
      deadLetter: dl === false ? undefined : { maxReceiveCount: dl.maxReceiveCount, retentionSeconds: dl.retentionSeconds ?? 1209600 },
      retain: props.retain ?? false,
    }, given);
    this.props = props;
  }

  protected validateSpec(problems: ProblemList): void {
    const s = this.spec;
    checkIntRange(problems, 'visibilityTimeoutSeconds', s.visibilityTimeoutSeconds, 0, 43200);
    checkIntRange(problems, 'retentionSeconds', s.retentionSeconds, 60, 1209600, 'use 60 (a minute) to 1209600 (14 days).');
    checkIntRange(problems, 'receiveWaitSeconds', s.receiveWaitSeconds, 0, 20);
    if (s.deadLetter) {
      checkIntRange(problems, 'deadLetter.maxReceiveCount', s.deadLetter.maxReceiveCount, 1, 1000);
      if (checkIntRange(problems, 'deadLetter.retentionSeconds', s.deadLetter.retentionSeconds, 60, 1209600, 'use 60 (a minute) to 1209600 (14 days).')
        && s.deadLetter.retentionSeconds < s.retentionSeconds) {
        problems.add('deadLetter.retentionSeconds', `${s.deadLetter.retentionSeconds} is shorter than the queue's retentionSeconds ${s.retentionSeconds}; a message's age carries over, so it could expire on arrival`,
          `use at least ${s.retentionSeconds}.`);
      }
    }
    checkBoolean(problems, 'fifo', s.fifo);
  }
}
