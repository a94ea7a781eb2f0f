"""What the tunnel stand-ins share: a local relay that passes HTTP requests on to the receiver,
adding the headers the real service adds, and the files a test reads to reach it.

The relay's port and the stand-in's pid go to $HOOKSCOPE_STANDIN_DIR/NAME.port and NAME.pid
when that is set.
"""
import http.client
import http.server
import os
import threading
import urllib.parse


def start(name, target_url, public_host, added_headers):
    """Relays requests from a port of its own to target_url, in a thread, as the service does
    for a request to public_host (the Host header the provider sent); returns the port."""
    target = urllib.parse.urlsplit(target_url)

    class Relay(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def relay(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
            headers["Host"] = public_host
            headers.update(added_headers)
            connection = http.client.HTTPConnection(target.hostname, target.port, timeout=10)
            connection.request(self.command, self.path, body=body, headers=headers)
            answer = connection.getresponse()
            data = answer.read()
            self.send_response(answer.status)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = relay

        def log_message(self, *_):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Relay)
    write_file(name + ".port", str(server.server_address[1]))
    write_file(name + ".pid", str(os.getpid()))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server.server_address[1]


def write_file(name, text):
    folder = os.environ.get("HOOKSCOPE_STANDIN_DIR")
    if not folder:
        return
    # Whole or not at all: a test polls these files.
    path = os.path.join(folder, name)
    with open(path + ".part", "w") as f:
        f.write(text)
    os.replace(path + ".part", path)
