# Worker process for Ruby functions (spotinst-local and `invoke local`).
#
# Protocol: JSON lines. The parent writes `invoke` and `doc` messages to our stdin; we
# answer `log`, `getDoc`, `result` and `error` messages on our stdout. Everything the
# function prints is captured and sent as `log` messages; anything that still reaches the
# raw file descriptors goes to stderr, which the parent also keeps as log.
#
# argv: runner.rb <handler "file.method"> <memory MB> <max log bytes per invocation>

require 'json'
require 'stringio'

HANDLER = ARGV[0].to_s
MEMORY_MB = ARGV[1].to_i
MAX_LOG_BYTES = ARGV[2].to_i

# Keep private copies of the protocol pipes, then point the standard descriptors away from
# them so nothing the function does (puts, STDOUT.syswrite, a subprocess) can corrupt them.
PROTO_IN = STDIN.dup
PROTO_OUT = STDOUT.dup
PROTO_OUT.sync = true
STDIN.reopen(File::NULL)
STDOUT.reopen(STDERR)
SEND_LOCK = Mutex.new

module SpotinstWorker
  Invocation = Struct.new(:id, :bytes, :dropped)

  class << self
    attr_accessor :current
  end

  def self.send_message(message)
    line = JSON.generate(message) + "\n"
    SEND_LOCK.synchronize { PROTO_OUT.write(line) }
  end

  def self.read_message
    line = PROTO_IN.gets
    exit!(0) if line.nil? # the parent is gone: nobody can use this worker any more
    JSON.parse(line)
  end

  # $stdout / $stderr of the function: every write becomes a log message.
  class LogIO < StringIO
    def initialize(name)
      super()
      @name = name
    end

    def write(*parts)
      text = parts.map(&:to_s).join
      invocation = SpotinstWorker.current
      if invocation && !text.empty?
        text = text.dup.force_encoding(Encoding::UTF_8).scrub('?')
        size = text.bytesize
        if invocation.bytes + size > MAX_LOG_BYTES
          invocation.dropped += size
        else
          invocation.bytes += size
          SpotinstWorker.send_message('type' => 'log', 'id' => invocation.id, 'stream' => @name, 'text' => text)
        end
      end
      text.bytesize
    end

    def tty?
      false
    end
    alias isatty tty?

    def fileno
      2
    end
  end

  @next_ref = 1

  def self.get_document(invocation_id, key)
    ref = @next_ref
    @next_ref += 1
    send_message('type' => 'getDoc', 'id' => invocation_id, 'ref' => ref, 'key' => key.to_s)
    loop do
      message = read_message
      next unless message['type'] == 'doc' && message['ref'] == ref
      raise message['error'] if message['error']
      return message['found'] ? message['value'] : nil
    end
  end

  # SPEC §6 context: camelCase like the other runtimes, with snake_case aliases.
  class Context
    attr_reader :requestId, :functionId, :functionName, :environmentId, :version, :memoryLimitInMB, :timeout

    def initialize(info, invocation_id)
      @info = info
      @invocation_id = invocation_id
      @requestId = info['requestId']
      @functionId = info['functionId']
      @functionName = info['functionName']
      @environmentId = info['environmentId']
      @version = info['version']
      @memoryLimitInMB = info['memoryLimitInMB']
      @timeout = info['timeout']
    end

    alias request_id requestId
    alias function_id functionId
    alias function_name functionName
    alias environment_id environmentId
    alias memory_limit_in_mb memoryLimitInMB

    def getRemainingTimeInMillis
      [0, (@info['deadline'].to_f - Time.now.to_f * 1000).to_i].max
    end
    alias get_remaining_time_in_millis getRemainingTimeInMillis

    def getDoc(key)
      value = SpotinstWorker.get_document(@invocation_id, key)
      block_given? ? yield(nil, value) : value
    end
    alias get_doc getDoc

    def [](key)
      public_send(key.to_sym)
    end
  end

  def self.limit_memory
    limit = (MEMORY_MB + 256) * 1024 * 1024
    Process.setrlimit(:AS, limit, limit)
  rescue StandardError, NotImplementedError
    nil
  end

  def self.handler
    return @handler if @handler
    file_part, _, method_name = HANDLER.rpartition('.')
    if file_part.empty? || method_name.empty?
      raise ArgumentError, "handler \"#{HANDLER}\" must be \"<file>.<method>\", e.g. \"handler.main\""
    end
    path = File.join(Dir.pwd, "#{file_part}.rb")
    raise LoadError, "Cannot find the handler file \"#{file_part}.rb\" in the function's code" unless File.file?(path)
    load path
    target = Object.new
    unless target.respond_to?(method_name.to_sym, true)
      raise NoMethodError, "handler \"#{HANDLER}\": \"#{method_name}\" is not a method defined in #{file_part}.rb"
    end
    @handler = ->(event, context) { target.send(method_name.to_sym, event, context) }
  end

  def self.invoke(message)
    invocation = Invocation.new(message['id'], 0, 0)
    self.current = invocation
    begin
      result = handler.call(message['event'], Context.new(message['context'] || {}, invocation.id))
      begin
        JSON.generate(result)
      rescue StandardError => e
        raise TypeError, "the handler's result cannot be sent as JSON: #{e.message}"
      end
      self.current = nil
      send_message('type' => 'result', 'id' => invocation.id, 'result' => result, 'droppedLogBytes' => invocation.dropped)
    rescue SystemExit
      raise
    rescue Exception => e # rubocop:disable Lint/RescueException - any failure is the invocation's error
      self.current = nil
      message = e.message.to_s.empty? ? e.class.name : e.message
      send_message(
        'type' => 'error', 'id' => invocation.id,
        'error' => { 'message' => message, 'type' => e.class.name,
                     'stack' => ["#{e.class}: #{message}", *(e.backtrace || [])].join("\n") },
        'droppedLogBytes' => invocation.dropped
      )
    end
  end
end

$stdout = SpotinstWorker::LogIO.new('stdout')
$stderr = SpotinstWorker::LogIO.new('stderr')
$LOAD_PATH.unshift(Dir.pwd)
SpotinstWorker.limit_memory

loop do
  message = SpotinstWorker.read_message
  SpotinstWorker.invoke(message) if message['type'] == 'invoke'
end
