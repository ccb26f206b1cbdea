package dev.nova.vae.internal;

import dev.nova.api.Sample;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/** Figures drawn with Java 2D and returned as colour image samples. */
final class Figures {

    /** Tableau's ten categorical colours, as in matplotlib's default cycle. */
    private static final int[] PALETTE = {0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2,
        0x7f7f7f, 0xbcbd22, 0x17becf};

    private Figures() {
    }

    /**
     * A scatter plot of 2-D points coloured by class, with axes and a legend.
     *
     * @param xy {@code 2n} values, x then y per point
     * @param labels a class per point, or null for one colour
     * @param classes class names by label
     * @param title the caption
     * @return an RGB image
     */
    static Sample.Image scatter(float[] xy, int[] labels, List<String> classes, String title) {
        int n = xy.length / 2;
        int width = 760;
        int height = 600;
        int left = 60;
        int top = 40;
        int plot = 500;
        double minX = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        double minY = Double.MAX_VALUE;
        double maxY = -Double.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            minX = Math.min(minX, xy[2 * i]);
            maxX = Math.max(maxX, xy[2 * i]);
            minY = Math.min(minY, xy[2 * i + 1]);
            maxY = Math.max(maxY, xy[2 * i + 1]);
        }
        double padX = Math.max(1e-3, (maxX - minX) * 0.05);
        double padY = Math.max(1e-3, (maxY - minY) * 0.05);
        minX -= padX;
        maxX += padX;
        minY -= padY;
        maxY += padY;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.setColor(Color.DARK_GRAY);
            g.drawString(title, left, 24);
            g.setStroke(new BasicStroke(1f));
            g.drawRect(left, top, plot, plot);
            for (int t = 0; t <= 4; t++) {
                double vx = minX + (maxX - minX) * t / 4;
                double vy = minY + (maxY - minY) * t / 4;
                int px = left + plot * t / 4;
                int py = top + plot - plot * t / 4;
                g.drawLine(px, top + plot, px, top + plot + 4);
                g.drawLine(left - 4, py, left, py);
                g.drawString(String.format("%.1f", vx), px - 10, top + plot + 18);
                g.drawString(String.format("%.1f", vy), left - 40, py + 4);
            }
            g.drawString("z1", left + plot / 2, top + plot + 34);
            g.drawString("z2", left - 24, top - 6);
            for (int i = 0; i < n; i++) {
                int c = labels == null ? 0 : labels[i] % PALETTE.length;
                g.setColor(new Color(PALETTE[c]));
                int px = left + (int) Math.round((xy[2 * i] - minX) / (maxX - minX) * plot);
                int py = top + plot - (int) Math.round((xy[2 * i + 1] - minY) / (maxY - minY) * plot);
                g.fillOval(px - 2, py - 2, 4, 4);
            }
            if (labels != null) {
                for (int c = 0; c < classes.size(); c++) {
                    int y = top + 10 + c * 20;
                    g.setColor(new Color(PALETTE[c % PALETTE.length]));
                    g.fillOval(left + plot + 20, y - 6, 10, 10);
                    g.setColor(Color.DARK_GRAY);
                    g.drawString(classes.get(c), left + plot + 36, y + 3);
                }
            }
        } finally {
            g.dispose();
        }
        float[] px = new float[width * height * 3];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int rgb = img.getRGB(x, y);
                int o = (y * width + x) * 3;
                px[o] = ((rgb >> 16) & 0xff) / 255f;
                px[o + 1] = ((rgb >> 8) & 0xff) / 255f;
                px[o + 2] = (rgb & 0xff) / 255f;
            }
        }
        return new Sample.Image(width, height, 3, px);
    }
}
