"""Loads a ConvEngine LeNet checkpoint into PyTorch and prints its Fashion-MNIST test accuracy.

Usage: /usr/bin/python3 tools/lenet/check_in_pytorch.py RUN_FOLDER_OR_MODEL_SAFETENSORS [DATA_DIR]
Needs python3-torch and numpy only (Debian ships no safetensors library, so the file is read here from the
published spec). The model is the same nn.Sequential ConvEngine builds, loaded with load_state_dict(strict=True);
the printed line has the format of `convengine-samples evaluate`, so the two can be compared directly.
"""
import gzip, json, os, struct, sys
import numpy as np, torch
from torch import nn

DTYPES = {"F32": np.float32, "F64": np.float64, "F16": np.float16, "I64": np.int64, "I32": np.int32, "U8": np.uint8}

def read_safetensors(path):
    """The safetensors spec: u64 little-endian header size N, N bytes of JSON, then the raw little-endian data."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    metadata = header.pop("__metadata__", {})
    body = memoryview(data)[8 + n:]
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        array = np.frombuffer(body[begin:end], dtype=np.dtype(DTYPES[info["dtype"]]).newbyteorder("<"))
        tensors[name] = torch.from_numpy(array.reshape(info["shape"]).copy())
    return tensors, metadata

def lenet(variant):
    act, pool = {"d2l": (nn.Sigmoid, nn.AvgPool2d), "relu": (nn.ReLU, nn.MaxPool2d), "classic": (nn.Sigmoid, nn.MaxPool2d)}[variant]
    padding, features = (0, 256) if variant == "classic" else (2, 400)
    return nn.Sequential(nn.Conv2d(1, 6, 5, padding=padding), act(), pool(2, 2), nn.Conv2d(6, 16, 5), act(), pool(2, 2),
                         nn.Flatten(), nn.Linear(features, 120), act(), nn.Linear(120, 84), act(), nn.Linear(84, 10))

def idx(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    (magic,) = struct.unpack(">I", data[:4])
    dims = struct.unpack(">" + "I" * (magic & 0xFF), data[4:4 + 4 * (magic & 0xFF)])
    return np.frombuffer(data, np.uint8, offset=4 + 4 * len(dims)).reshape(dims)

def locate(folder, name):
    for candidate in (name + ".gz", name):
        if os.path.exists(os.path.join(folder, candidate)):
            return os.path.join(folder, candidate)
    sys.exit(f"error: {name}(.gz) not found in {folder}")

def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    path = sys.argv[1]
    if os.path.isdir(path):
        path = os.path.join(path, "model.safetensors")
    folder = sys.argv[2] if len(sys.argv) == 3 else os.environ.get("CONVENGINE_DATA", "/usr/share/datasets/fashion-mnist")
    state, metadata = read_safetensors(path)
    net = lenet(metadata["variant"])
    net.load_state_dict(state, strict=True)
    net.eval()
    images = torch.tensor(idx(locate(folder, "t10k-images-idx3-ubyte")), dtype=torch.float32).unsqueeze(1) / 255
    labels = torch.tensor(idx(locate(folder, "t10k-labels-idx1-ubyte")), dtype=torch.int64)
    with torch.no_grad():
        correct = sum((net(images[i:i + 1000]).argmax(1) == labels[i:i + 1000]).sum().item() for i in range(0, len(labels), 1000))
    print(f"{path}: {metadata['variant']} LeNet after {metadata.get('epoch', '?')} epochs (PyTorch {torch.__version__})")
    print(f"test acc {correct / len(labels):.3f} ({correct}/{len(labels)} correct)")

if __name__ == "__main__":
    main()
