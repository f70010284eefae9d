package com.spotinst.functions.local;

import com.spotinst.functions.runtime.Context;
import com.spotinst.functions.runtime.Request;
import com.spotinst.functions.runtime.RequestHandler;
import com.spotinst.functions.runtime.Response;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Worker process for Java functions (spotinst-local and `invoke local`).
 *
 * Protocol: JSON lines. The parent writes `invoke` and `doc` messages to stdin; the worker
 * answers `log`, `getDoc`, `result` and `error` messages on stdout. System.out and
 * System.err of the function are captured and sent as `log` messages.
 *
 * args: handler class, memory MB, max log bytes per invocation
 */
public final class Runner {
    private static final Object SEND_LOCK = new Object();
    private static PrintStream protocolOut;
    private static BufferedReader protocolIn;
    private static long maxLogBytes;
    private static volatile Invocation current;
    private static int nextRef = 1;

    private static final class Invocation {
        final String id;
        long bytes;
        long dropped;

        Invocation(String id) {
            this.id = id;
        }
    }

    private Runner() {
    }

    public static void main(String[] args) throws Exception {
        String handlerName = args[0];
        maxLogBytes = Long.parseLong(args[2]);
        protocolOut = new PrintStream(new FileOutputStream(FileDescriptor.out), false, "UTF-8");
        protocolIn = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.setIn(new ByteArrayInputStream(new byte[0]));
        System.setOut(new PrintStream(new LogStream("stdout"), true, "UTF-8"));
        System.setErr(new PrintStream(new LogStream("stderr"), true, "UTF-8"));

        RequestHandler handler = null;
        while (true) {
            Map<String, Object> message = readMessage();
            if (!"invoke".equals(message.get("type"))) continue;
            Invocation invocation = new Invocation(String.valueOf(message.get("id")));
            current = invocation;
            try {
                if (handler == null) handler = loadHandler(handlerName);
                Response response = handler.handleRequest(toRequest(message.get("event")), new LocalContext(asMap(message.get("context")), invocation.id));
                if (response == null) throw new IllegalStateException("the handler returned null instead of a Response");
                Map<String, Object> result = new LinkedHashMap<String, Object>();
                result.put("statusCode", Long.valueOf(response.getStatusCode()));
                result.put("body", response.getBody());
                result.put("headers", response.getHeaders() == null ? new LinkedHashMap<String, String>() : response.getHeaders());
                System.out.flush();
                System.err.flush();
                current = null;
                Map<String, Object> reply = reply("result", invocation);
                reply.put("result", result);
                send(reply);
            } catch (Throwable error) {
                System.out.flush();
                System.err.flush();
                current = null;
                Map<String, Object> failure = new LinkedHashMap<String, Object>();
                String text = error.getMessage() == null ? error.getClass().getName() : error.getMessage();
                failure.put("message", text);
                failure.put("type", error.getClass().getName());
                StringWriter stack = new StringWriter();
                error.printStackTrace(new PrintWriter(stack));
                failure.put("stack", stack.toString());
                Map<String, Object> reply = reply("error", invocation);
                reply.put("error", failure);
                send(reply);
                // after an OutOfMemoryError or similar the JVM cannot be trusted: start afresh
                if (error instanceof VirtualMachineError) Runtime.getRuntime().halt(1);
            }
        }
    }

    private static Map<String, Object> reply(String type, Invocation invocation) {
        Map<String, Object> reply = new LinkedHashMap<String, Object>();
        reply.put("type", type);
        reply.put("id", invocation.id);
        reply.put("droppedLogBytes", Long.valueOf(invocation.dropped));
        return reply;
    }

    private static RequestHandler loadHandler(String handlerName) throws Exception {
        String className = handlerName.contains("::") ? handlerName.substring(0, handlerName.indexOf("::")) : handlerName;
        Class<?> type;
        try {
            type = Class.forName(className, true, Runner.class.getClassLoader());
        } catch (ClassNotFoundException missing) {
            throw new ClassNotFoundException("Cannot find the handler class " + className + " in the function's jar");
        }
        if (!RequestHandler.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException("handler class " + className + " does not implement com.spotinst.functions.runtime.RequestHandler");
        }
        return (RequestHandler) type.getDeclaredConstructor().newInstance();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object value) {
        return value instanceof Map ? (Map<String, Object>) value : new LinkedHashMap<String, Object>();
    }

    private static Map<String, String> stringMap(Object value) {
        Map<String, String> out = new LinkedHashMap<String, String>();
        for (Map.Entry<String, Object> entry : asMap(value).entrySet()) {
            out.put(entry.getKey(), asText(entry.getValue()));
        }
        return out;
    }

    static String asText(Object value) {
        if (value == null) return null;
        if (value instanceof String) return (String) value;
        return Json.stringify(value);
    }

    private static Request toRequest(Object eventValue) {
        Map<String, Object> event = asMap(eventValue);
        String body = asText(event.get("body"));
        return new Request(
            stringMap(event.get("query")),
            stringMap(event.get("headers")),
            body == null ? "" : body,
            asText(event.get("method")),
            asText(event.get("path")));
    }

    static Map<String, Object> readMessage() throws IOException {
        String line = protocolIn.readLine();
        // the parent is gone: nobody can use this worker any more
        if (line == null) Runtime.getRuntime().halt(0);
        return asMap(Json.parse(line));
    }

    static void send(Map<String, Object> message) {
        String line = Json.stringify(message);
        synchronized (SEND_LOCK) {
            protocolOut.print(line);
            protocolOut.print('\n');
            protocolOut.flush();
        }
    }

    static synchronized Object getDocument(String invocationId, String key) throws IOException {
        int ref = nextRef++;
        Map<String, Object> request = new LinkedHashMap<String, Object>();
        request.put("type", "getDoc");
        request.put("id", invocationId);
        request.put("ref", Long.valueOf(ref));
        request.put("key", key);
        send(request);
        while (true) {
            Map<String, Object> message = readMessage();
            Object messageRef = message.get("ref");
            if (!"doc".equals(message.get("type")) || !(messageRef instanceof Number) || ((Number) messageRef).intValue() != ref) continue;
            if (message.get("error") != null) throw new IOException(String.valueOf(message.get("error")));
            return Boolean.TRUE.equals(message.get("found")) ? message.get("value") : null;
        }
    }

    /** System.out / System.err of the function: what it prints becomes log messages. */
    private static final class LogStream extends OutputStream {
        private final String stream;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

        LogStream(String stream) {
            this.stream = stream;
        }

        @Override
        public synchronized void write(int b) {
            buffer.write(b);
            if (buffer.size() >= 8192) flush();
        }

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) {
            buffer.write(bytes, offset, length);
            if (buffer.size() >= 8192) flush();
        }

        @Override
        public synchronized void flush() {
            if (buffer.size() == 0) return;
            byte[] bytes = buffer.toByteArray();
            buffer.reset();
            Invocation invocation = current;
            if (invocation == null) return;
            if (invocation.bytes + bytes.length > maxLogBytes) {
                invocation.dropped += bytes.length;
                return;
            }
            invocation.bytes += bytes.length;
            Map<String, Object> message = new LinkedHashMap<String, Object>();
            message.put("type", "log");
            message.put("id", invocation.id);
            message.put("stream", stream);
            message.put("text", new String(bytes, StandardCharsets.UTF_8));
            send(message);
        }
    }

    private static final class LocalContext implements Context {
        private final Map<String, Object> info;
        private final String invocationId;

        LocalContext(Map<String, Object> info, String invocationId) {
            this.info = info;
            this.invocationId = invocationId;
        }

        private String text(String key) {
            return asText(info.get(key));
        }

        private long number(String key) {
            Object value = info.get(key);
            return value instanceof Number ? ((Number) value).longValue() : 0L;
        }

        public String getRequestId() {
            return text("requestId");
        }

        public String getFunctionId() {
            return text("functionId");
        }

        public String getFunctionName() {
            return text("functionName");
        }

        public String getEnvironmentId() {
            return text("environmentId");
        }

        public String getVersion() {
            return text("version");
        }

        public int getMemoryLimitInMB() {
            return (int) number("memoryLimitInMB");
        }

        public int getTimeout() {
            return (int) number("timeout");
        }

        public long getRemainingTimeInMillis() {
            return Math.max(0L, number("deadline") - System.currentTimeMillis());
        }

        public String getDoc(String key) {
            try {
                return asText(getDocument(invocationId, key));
            } catch (IOException error) {
                throw new RuntimeException("getDoc(" + key + ") failed: " + error.getMessage(), error);
            }
        }
    }
}
