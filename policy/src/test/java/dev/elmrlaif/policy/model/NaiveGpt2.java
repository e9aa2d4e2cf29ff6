package dev.elmrlaif.policy.model;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * GPT-2 written with plain loops over doubles, straight from the paper's definition, as an
 * independent reference for {@link CausalLm}.
 */
final class NaiveGpt2 {
  private NaiveGpt2() {}

  static double[][] logits(GptConfig c, Map<String, NDArray> p, int[] tokens) {
    int n = tokens.length;
    int d = c.dModel();
    double[][] wte = matrix(p.get("wte.weight"));
    double[][] wpe = matrix(p.get("wpe.weight"));
    double[][] x = new double[n][d];
    for (int t = 0; t < n; t++) {
      for (int i = 0; i < d; i++) {
        x[t][i] = wte[tokens[t]][i] + wpe[t][i];
      }
    }
    for (int layer = 0; layer < c.layers(); layer++) {
      String h = "h." + layer + ".";
      double[][] a =
          layerNorm(x, vector(p.get(h + "ln_1.weight")), vector(p.get(h + "ln_1.bias")), eps(c));
      double[][] qkv =
          linear(a, matrix(p.get(h + "attn.c_attn.weight")), vector(p.get(h + "attn.c_attn.bias")));
      int hd = c.headDim();
      double[][] mixed = new double[n][d];
      for (int head = 0; head < c.heads(); head++) {
        for (int q = 0; q < n; q++) {
          double[] scores = new double[q + 1];
          double max = Double.NEGATIVE_INFINITY;
          for (int k = 0; k <= q; k++) {
            double s = 0;
            for (int i = 0; i < hd; i++) {
              s += qkv[q][head * hd + i] * qkv[k][d + head * hd + i];
            }
            scores[k] = s / Math.sqrt(hd);
            max = Math.max(max, scores[k]);
          }
          double z = 0;
          for (int k = 0; k <= q; k++) {
            scores[k] = Math.exp(scores[k] - max);
            z += scores[k];
          }
          for (int k = 0; k <= q; k++) {
            for (int i = 0; i < hd; i++) {
              mixed[q][head * hd + i] += scores[k] / z * qkv[k][2 * d + head * hd + i];
            }
          }
        }
      }
      add(
          x,
          linear(
              mixed,
              matrix(p.get(h + "attn.c_proj.weight")),
              vector(p.get(h + "attn.c_proj.bias"))));
      double[][] m =
          layerNorm(x, vector(p.get(h + "ln_2.weight")), vector(p.get(h + "ln_2.bias")), eps(c));
      double[][] hidden =
          linear(m, matrix(p.get(h + "mlp.c_fc.weight")), vector(p.get(h + "mlp.c_fc.bias")));
      for (double[] row : hidden) {
        for (int i = 0; i < row.length; i++) {
          double v = row[i];
          row[i] = 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
        }
      }
      add(
          x,
          linear(
              hidden,
              matrix(p.get(h + "mlp.c_proj.weight")),
              vector(p.get(h + "mlp.c_proj.bias"))));
    }
    double[][] f = layerNorm(x, vector(p.get("ln_f.weight")), vector(p.get("ln_f.bias")), eps(c));
    double[][] logits = new double[n][c.vocabSize()];
    for (int t = 0; t < n; t++) {
      for (int v = 0; v < c.vocabSize(); v++) {
        for (int i = 0; i < d; i++) {
          logits[t][v] += f[t][i] * wte[v][i];
        }
      }
    }
    return logits;
  }

  /** The engine's LayerNorm takes its epsilon as a float. */
  private static double eps(GptConfig c) {
    return (float) c.layerNormEps();
  }

  private static double[][] layerNorm(double[][] x, double[] gain, double[] bias, double eps) {
    double[][] out = new double[x.length][x[0].length];
    for (int t = 0; t < x.length; t++) {
      double mean = 0;
      for (double v : x[t]) {
        mean += v / x[t].length;
      }
      double var = 0;
      for (double v : x[t]) {
        var += (v - mean) * (v - mean) / x[t].length;
      }
      for (int i = 0; i < x[t].length; i++) {
        out[t][i] = (x[t][i] - mean) / Math.sqrt(var + eps) * gain[i] + bias[i];
      }
    }
    return out;
  }

  private static double[][] linear(double[][] x, double[][] w, double[] b) {
    double[][] out = new double[x.length][b.length];
    for (int t = 0; t < x.length; t++) {
      for (int o = 0; o < b.length; o++) {
        double s = b[o];
        for (int i = 0; i < x[t].length; i++) {
          s += x[t][i] * w[i][o];
        }
        out[t][o] = s;
      }
    }
    return out;
  }

  private static void add(double[][] x, double[][] y) {
    for (int t = 0; t < x.length; t++) {
      for (int i = 0; i < x[t].length; i++) {
        x[t][i] += y[t][i];
      }
    }
  }

  private static double[] vector(NDArray a) {
    return a.toDoubleArray();
  }

  private static double[][] matrix(NDArray a) {
    int rows = (int) a.getShape().get(0);
    int cols = (int) a.getShape().get(1);
    double[] flat = a.toDoubleArray();
    double[][] out = new double[rows][cols];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(flat, r * cols, out[r], 0, cols);
    }
    return out;
  }
}
